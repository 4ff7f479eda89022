#!/usr/bin/env bash
# CDR search on a call center's history: fills an engine's CDR table with ROWS calls over DAYS
# (bench/cdr-search/fill.py), restarts the engine on it and times `vpbx cdr search` for what a
# supervisor or an administrator asks, each against `vpbx status` in the same run (the CLI's
# start-up and the control socket's round trip, no database work): the baseline.
#
#   bash bench/cdr-search/run.sh [--rows 3000000] [--days 365] [--repeat 3]
#                                [--bin-dir .build/release] [--keep]
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
# shellcheck source=../lib/engine.sh
source "$root/bench/lib/engine.sh"
# shellcheck source=../lib/history.sh
source "$root/bench/lib/history.sh"

rows=3000000
days=365
repeat=3
keep=0
bin_dir="$root/.build/release"
usage() { sed -n '2,8p' "$0"; }
while [ $# -gt 0 ]; do
    case "$1" in
        --rows | --days | --repeat | --bin-dir)
            [ $# -ge 2 ] || { echo "cdr-search: $1 needs a value" >&2; exit 2; } ;;
    esac
    case "$1" in
        --rows) rows=$2; shift 2 ;;
        --days) days=$2; shift 2 ;;
        --repeat) repeat=$2; shift 2 ;;
        --bin-dir) bin_dir=$2; shift 2 ;;
        --keep) keep=1; shift ;;
        -h | --help) usage; exit 0 ;;
        *) echo "cdr-search: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
done
for value in $rows $days $repeat; do
    [[ $value =~ ^[1-9][0-9]*$ ]] || { echo "cdr-search: '$value' is not a positive whole number" >&2; exit 2; }
done
history_prepare cdr-search 37460 38000-38099
history_fill "$rows calls over $days days" "$root/bench/cdr-search/fill.py" "$rows" "$days"

median_seconds() { median_cli_seconds cdr-search "$repeat" "$work/out.json" "$cli" "$socket" "$@"; }

day=$(date -u -d "@$(($(date +%s) - 86400 * (days / 2)))" +%Y-%m-%d)
baseline=$(median_seconds status)
printf '%-52s %9s %8s %7s\n' "query" "seconds" "x status" "rows"
report() {
    local label=$1
    shift
    local seconds
    seconds=$(median_seconds "$@")
    local found
    found=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$work/out.json")
    printf '%-52s %9.3f %8.1f %7s\n' "$label" "$seconds" "$(awk -v s="$seconds" -v b="$baseline" 'BEGIN { printf "%.3f", s / b }')" "$found"
}
printf '%-52s %9.3f %8.1f %7s\n' "vpbx status (baseline)" "$baseline" 1 "-"
report "newest 100" cdr search
report "main number 1800, newest 100" cdr search --number 1800
report "extension 1150, newest 100" cdr search --number 1150
report "main number 1800 on $day" cdr search --number 1800 --since "$day" --until "$day" --limit 10000
report "main number 1800, failed, newest 100" cdr search --number 1800 --disposition failed
report "busy, newest 100" cdr search --disposition busy
report "failed (one call in a thousand), newest 100" cdr search --disposition failed
report "everything on $day, first 10000" cdr search --since "$day" --until "$day" --limit 10000

# Exports: every call of the last 30 days, page after page (`--all`), as CSV and as JSON, with
# the CLI's peak memory (GNU time's maximum resident set, when /usr/bin/time is there): both
# are written a page at a time, so the peak should be one page's whatever the period.
month_ago=$(date -u -d "@$(($(date +%s) - 86400 * 30))" +%Y-%m-%d)
export_month() {
    local format=$1
    local flag=("--$format")
    [ "$format" = table ] && flag=()  # the table is the default output
    local out="$work/export.$format"
    rm -f "$work/cli-peak"
    local before after ticks_before ticks exported
    before=$(date +%s.%N)
    ticks_before=$(awk '{ print $14 + $15 }' "/proc/$engine_pid/stat")
    if [ -x /usr/bin/time ]; then
        /usr/bin/time -f '%M' -o "$work/cli-peak" "$cli" cdr search --since "$month_ago" --all "${flag[@]}" \
            --socket "$socket" --timeout 300 >"$out"
    else
        "$cli" cdr search --since "$month_ago" --all "${flag[@]}" --socket "$socket" --timeout 300 >"$out"
    fi
    after=$(date +%s.%N)
    ticks=$(( $(awk '{ print $14 + $15 }' "/proc/$engine_pid/stat") - ticks_before ))
    if [ "$format" != json ]; then
        exported=$(( $(wc -l < "$out") - 1 ))
    else
        exported=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$out")
    fi
    printf 'export since %s (--all, %s): %d rows in %.2f s, %.1f µs a row; engine CPU %.2f s; CLI peak %s\n' \
        "$month_ago" "$format" "$exported" "$(seconds_between "$before" "$after")" \
        "$(awk -v s="$(seconds_between "$before" "$after")" -v n="$exported" 'BEGIN { printf "%.1f", (n > 0 ? s / n * 1e6 : 0) }')" \
        "$(awk -v t="$ticks" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", t / hz }')" \
        "$( [ -s "$work/cli-peak" ] && awk '{ printf "%.0f MB", $1 / 1024 }' "$work/cli-peak" || echo "not measured")"
}
export_month csv
export_month json
export_month table
