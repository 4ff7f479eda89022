# The options cpu.sh and heap.sh share, sourced by both after they set their defaults
# (rate, seconds) and `root`:
#
#   parse_profile_options NAME HELP_LAST_LINE "$@"
#
# sets rate, seconds, bin_dir (absolute), out (empty: the caller makes a temp dir) and
# load_options (what the caller passes on to bench/sip-load/run.sh: --digest for callers
# challenged as phones are, --subscribers N for event subscribers following the calls).
# --help prints the calling script's header comment, lines 2 to HELP_LAST_LINE.
parse_profile_options() {
    local name=$1 help_last=$2
    shift 2
    bin_dir="$root/.build/release"
    out=""
    load_options=()
    while [ $# -gt 0 ]; do
        case "$1" in
            --rate) rate=$2; shift 2 ;;
            --seconds) seconds=$2; shift 2 ;;
            --bin-dir) bin_dir=$(cd "$2" && pwd); shift 2 ;;
            --out) out=$2; shift 2 ;;
            --digest) load_options+=(--digest); shift ;;
            --subscribers) load_options+=(--subscribers "$2"); shift 2 ;;
            -h | --help) sed -n "2,${help_last}p" "$0"; exit 0 ;;
            *) echo "profile $name: unknown argument '$1' (see --help)" >&2; exit 2 ;;
        esac
    done
}
