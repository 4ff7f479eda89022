#!/usr/bin/env bash
# Registration storm: thousands of phones registering with digest authentication at once (an
# office after a power cut, every phone after an engine restart), sipp phones -> vpbx-engine,
# against the same phones -> a sipp registrar that checks and stores nothing (the baseline),
# at the same stepped rates in the same run. Then checks that every extension that registered
# has its binding, and still has it after an engine restart. See README.md.
#
#   bash bench/register-storm/run.sh [--rates "250 500 1000 2000"] [--duration 10]
#                                    [--extensions 5000] [--sources 4] [--source-rate-limit 0]
#                                    [--transport udp|tcp] [--hold 30]
#                                    [--bin-dir .build/release] [--baseline-only]
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
# shellcheck source=../lib/engine.sh
source "$root/bench/lib/engine.sh"
# shellcheck source=../lib/measure.sh
source "$root/bench/lib/measure.sh"

rates="250 500 1000 2000"
duration=10
extensions=5000
sources=4
source_rate_limit=0
baseline_only=0
transport=udp
hold=30
bin_dir="$root/.build/release"
usage() { sed -n '2,10p' "$0"; }
while [ $# -gt 0 ]; do
    case "$1" in
        --rates | --duration | --extensions | --sources | --source-rate-limit | --bin-dir | --transport | --hold)
            [ $# -ge 2 ] || { echo "register-storm: $1 needs a value" >&2; exit 2; } ;;
    esac
    case "$1" in
        --rates) rates=$2; shift 2 ;;
        --duration) duration=$2; shift 2 ;;
        --extensions) extensions=$2; shift 2 ;;
        --sources) sources=$2; shift 2 ;;
        --source-rate-limit) source_rate_limit=$2; shift 2 ;;
        --bin-dir) bin_dir=$2; shift 2 ;;
        --transport) transport=$2; shift 2 ;;
        --hold) hold=$2; shift 2 ;;
        --baseline-only) baseline_only=1; shift ;;
        -h | --help) usage; exit 0 ;;
        *) echo "register-storm: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
done
case "$transport" in udp | tcp) ;; *) echo "register-storm: --transport is udp or tcp" >&2; exit 2 ;; esac
for value in $rates $duration $extensions $sources $hold; do
    [[ $value =~ ^[1-9][0-9]*$ ]] || { echo "register-storm: '$value' is not a positive whole number" >&2; exit 2; }
done
[[ $source_rate_limit =~ ^[0-9]+$ ]] || { echo "register-storm: --source-rate-limit takes a number" >&2; exit 2; }
[ "$sources" -le 50 ] || { echo "register-storm: at most 50 sources" >&2; exit 2; }
[ "$extensions" -ge "$sources" ] || { echo "register-storm: fewer extensions than sources" >&2; exit 2; }

command -v sipp >/dev/null || { echo "register-storm: sipp not found; run bash scripts/setup-deps.sh" >&2; exit 1; }
command -v python3 >/dev/null || { echo "register-storm: python3 not found" >&2; exit 1; }
engine="$bin_dir/vpbx-engine"
cli="$bin_dir/vpbx"
if [ "$baseline_only" -eq 0 ] && { [ ! -x "$engine" ] || [ ! -x "$cli" ]; }; then
    echo "register-storm: $engine or $cli missing: run 'swift build -c release' (or pass --baseline-only)" >&2
    exit 1
fi

# Loopback only. The phones of source k send from 127.0.1.k (the whole of 127.0.0.0/8 is
# loopback on Linux): as many addresses as offices behind their own NAT.
base=${REGISTER_STORM_PORT_BASE:-37060}
engine_port=$base
registrar_port=$((base + 10))
registrar_control=$((base + 11))
registrar_media=$((base + 20))
phone_port=$((base + 100))     # + k
phone_control=$((base + 200))  # + k
phone_media=$((base + 300))    # + 10·k
rtp_range=${REGISTER_STORM_RTP_PORTS:-52000-52999}
hz=$(getconf CLK_TCK)
# Over TCP every phone has its own connection (sipp -t tn) and keeps it --hold seconds after
# its 200, as a registered phone does; the engine then holds thousands of connections open.
sipp_transport=(-t u1)
phone_pause=(-d 0)
if [ "$transport" = tcp ]; then
    sipp_transport=(-t tn -max_socket 15000)
    phone_pause=(-d $((hold * 1000)))
fi
first_number=10000
sipp_buffer=4194304  # as bench/sip-load: sipp's default buffers overflow under load

work=$(mktemp -d /tmp/register-storm-XXXXXX)
results_dir="$root/bench/results"
mkdir -p "$results_dir"
results="$results_dir/register-storm-$(date +%Y%m%d-%H%M%S).csv"
echo "path,rate,registrations,successful,failed,failure_pct,cpu_s_per_registration,rss_kb" > "$results"
socket="$work/control.sock"

engine_pid=""
registrar_pid=""
phone_pids=()
stop_engine() {
    [ -n "$engine_pid" ] || return 0
    kill -TERM "$engine_pid" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$engine_pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$engine_pid" 2>/dev/null || true
    wait "$engine_pid" 2>/dev/null || true
    engine_pid=""
}
cleanup() {
    # Only the processes this script started, by PID.
    for pid in "${phone_pids[@]}" $registrar_pid; do kill "$pid" 2>/dev/null || true; done
    stop_engine
    [ -n "${KEEP_WORK:-}" ] && echo "register-storm: work directory kept: $work" || rm -rf "$work"
}
trap cleanup EXIT

# One field of the engine's `vpbx status --json`.
status_field() {
    "$cli" status --socket "$socket" --json --timeout 5 |
        python3 -c 'import json, sys; print(json.load(sys.stdin)["status"][sys.argv[1]])' "$1"
}

# The phones' injection files: extension i registers from source i mod K, so each extension
# has one contact, and each source's phones are its own.
for k in $(seq "$sources"); do echo SEQUENTIAL > "$work/phones-$k.csv"; done
awk -v first="$first_number" -v n="$extensions" -v k="$sources" -v dir="$work" 'BEGIN {
    for (i = 0; i < n; i++) {
        number = first + i
        printf "%d;[authentication username=%d password=storm-%d]\n", number, number, number >> (dir "/phones-" (i % k + 1) ".csv")
    } }'
phones_of() { echo $(( $(wc -l < "$work/phones-$1.csv") - 1 )); }

start_engine() {
    "$engine" --data-dir "$work/data" --sip-listen "127.0.0.1:$engine_port" --rtp-ports "$rtp_range" \
        --rtp-address 127.0.0.1 --socket "$socket" --source-rate-limit "$source_rate_limit" \
        --max-tcp-connections $((extensions + 1000)) --log-level warning 2>> "$work/engine.log" &
    engine_pid=$!
    wait_for_engine register-storm "$engine_pid" "$cli" "$socket" "$work/engine.log"
}

start_registrar() {
    sipp -sf "$root/bench/register-storm/registrar.xml" "${sipp_transport[@]}" -i 127.0.0.1 -bind_local -p "$registrar_port" \
        -cp "$registrar_control" -mi 127.0.0.1 -mp "$registrar_media" -buff_size "$sipp_buffer" -nostdin \
        > "$work/registrar-$1.screen" 2>&1 &
    registrar_pid=$!
    sleep 0.5
    kill -0 "$registrar_pid" 2>/dev/null || { echo "register-storm: sipp registrar did not start:"; cat "$work/registrar-$1.screen"; exit 1; }
}

stop_registrar() {
    kill "$registrar_pid" 2>/dev/null || true
    wait "$registrar_pid" 2>/dev/null || true
    registrar_pid=""
}

# Every source's phones register at its share of RATE for the step, at once. Prints
# "successful failed" summed over the sources.
storm() {
    local tag=$1 rate=$2 target=$3 k
    phone_pids=()
    for k in $(seq "$sources"); do
        # RATE/K a second, as a count per 10 s so that shares need not be whole numbers.
        local per_ten=$(( rate * 10 / sources )) count=$(( rate * duration / sources ))
        timeout $((duration + hold + 60)) sipp -sf "$root/bench/register-storm/phone.xml" -inf "$work/phones-$k.csv" \
            "${sipp_transport[@]}" "${phone_pause[@]}" \
            -i "127.0.1.$k" -bind_local -p $((phone_port + k)) -cp $((phone_control + k)) \
            -mi "127.0.1.$k" -mp $((phone_media + 10 * k)) -r "$per_ten" -rp 10000 -m "$count" \
            -recv_timeout 5000 -max_retrans 3 -timeout "$((duration + hold + 45))s" -buff_size "$sipp_buffer" -nostdin \
            -trace_stat -stf "$work/$tag-$k.csv" -fd 1 -trace_err -error_file "$work/$tag-$k.errors" \
            "$target" > "$work/$tag-$k.screen" 2>&1 &
        phone_pids+=($!)
    done
    if [ "$transport" = tcp ]; then
        # Halfway through the hold every phone that registered is connected: count the
        # connections at the target's port and its memory then.
        local middle_pid=$4
        sleep $((duration + hold / 2))
        echo "$(ss -Htn state established "( sport = :${target##*:} )" | wc -l) $(rss_kb "$middle_pid")" > "$work/$tag.held"
    fi
    for pid in "${phone_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    phone_pids=()
    sipp_counts "$work/$tag"-*.csv
}

record() {
    local path=$1 rate=$2 ok=$3 failed=$4 ticks=$5 rss=$6 attempted=$(( $2 * duration / sources * sources ))
    awk -v p="$path" -v r="$rate" -v n="$attempted" -v ok="$ok" -v f="$failed" -v t="$ticks" -v hz="$hz" -v rss="$rss" 'BEGIN {
        pct = n > 0 ? 100 * (n - ok) / n : 0; cpu = ok > 0 ? t / hz / ok : 0
        printf "%s,%d,%d,%d,%d,%.2f,%.8f,%d\n", p, r, n, ok, f, pct, cpu, rss }' >> "$results"
}

measure() {
    local path=$1 rate=$2 middle target before after drops_before drops extra=""
    if [ "$path" = baseline ]; then
        start_registrar "$rate"; middle=$registrar_pid; target="127.0.0.1:$registrar_port"
    else
        middle=$engine_pid; target="127.0.0.1:$engine_port"
    fi
    local limited_before failures_before
    [ "$path" = engine ] && { limited_before=$(status_field requestsRateLimited); failures_before=$(status_field authenticationFailures); }
    drops_before=$(socket_drops "${target##*:}")
    before=$(cpu_ticks "$middle")
    read -r ok failed < <(storm "$path-$rate" "$rate" "$target" "$middle")
    after=$(cpu_ticks "$middle")
    drops=$(( $(socket_drops "${target##*:}") - drops_before ))
    record "$path" "$rate" "$ok" "$failed" $((after - before)) "$(rss_kb "$middle")"
    [ "$path" = baseline ] && stop_registrar
    [ "$drops" -gt 0 ] && extra+=", $drops datagrams dropped at its SIP socket"
    if [ -s "$work/$path-$rate.held" ]; then
        local held_connections held_rss
        read -r held_connections held_rss < "$work/$path-$rate.held"
        extra+=", $held_connections TCP connections open during the hold at $(awk -v k="$held_rss" 'BEGIN { printf "%.1f", k / 1024 }') MB"
    fi
    if [ "$path" = engine ]; then
        local limited=$(( $(status_field requestsRateLimited) - limited_before ))
        local failures=$(( $(status_field authenticationFailures) - failures_before ))
        [ "$limited" -gt 0 ] && extra+=", $limited requests over the source rate limit"
        [ "$failures" -gt 0 ] && extra+=", $failures failed authentications"
    fi
    printf '  %-8s %5s reg/s: %6s ok, %6s failed%s%s\n' "$path" "$rate" "$ok" "$failed" "$(sipp_failure_reasons "$work/$path-$rate"-*.errors)" "$extra"
    sleep 1
}

echo "register-storm: rates [$rates] registrations/s for $duration s each, $extensions extensions from $sources sources"
if [ "$baseline_only" -eq 0 ]; then
    start_engine
    python3 "$root/bench/lib/provision.py" --socket "$socket" --first "$first_number" --count "$extensions" \
        --password-format 'storm-{number}' --name-format 'Storm {number}'
fi
for rate in $rates; do
    measure baseline "$rate"
    [ "$baseline_only" -eq 0 ] && measure engine "$rate"
done

echo
awk -F, 'NR == 1 { next }
    { printf "%-8s %6s/s  registrations %7s  ok %7s  failed %6s  failure %6s%%  cpu/registration %8.2f us  rss %6.1f MB\n",
        $1, $2, $3, $4, $5, $6, $7 * 1e6, $8 / 1024
      fail[$1, $2] = $6; cpu[$1, $2] = $7; if (!($2 in seen)) { seen[$2] = 1; order[++n] = $2 } }
    END {
        if (!(("engine", order[1]) in cpu)) exit
        print ""; print "engine / baseline (a sipp registrar that checks and stores nothing):"
        for (i = 1; i <= n; i++) {
            r = order[i]; b = cpu["baseline", r]; e = cpu["engine", r]
            printf "  %6s/s  cpu per registration x%s  failure %s%% vs %s%%\n", r,
                (b > 0 ? sprintf("%.2f", e / b) : "n/a"), fail["engine", r], fail["baseline", r]
        }
    }' "$results"
echo
echo "register-storm: results in $results"
[ "$baseline_only" -eq 1 ] && exit 0

# Every extension some step registered must have its one binding: each source's sipp starts
# its injection file from the top, so the largest step reached the most of its phones.
expected=0
for k in $(seq "$sources"); do
    most=0
    for rate in $rates; do
        count=$(( rate * duration / sources ))
        [ "$count" -gt "$most" ] && most=$count
    done
    phones=$(phones_of "$k")
    expected=$(( expected + (most < phones ? most : phones) ))
done
failed_total=$(awk -F, 'NR > 1 && $1 == "engine" { f += $3 - $4 } END { print f + 0 }' "$results")
status=0
bindings() {  # once the registrar's store writes (behind its answers) are done
    for _ in $(seq 50); do
        [ "$(status_field storeWritesPending)" -eq 0 ] && break
        sleep 0.2
    done
    if [ "$transport" = tcp ]; then
        # Over TCP each registration comes from a new connection whose port is in its
        # Contact, so a phone that registered in two steps has two contacts: count extensions.
        "$cli" reg list --socket "$socket" --json --timeout 30 |
            python3 -c 'import json, sys; print(len({r["extension"] for r in json.load(sys.stdin)}))'
    else
        status_field registrations
    fi
}
after_storm=$(bindings)
if [ "$failed_total" -eq 0 ] && [ "$after_storm" -ne "$expected" ]; then
    echo "register-storm: after the storm: $after_storm bindings, expected $expected (one per extension registered): FAILED"
    status=1
elif [ "$after_storm" -gt "$expected" ]; then
    echo "register-storm: after the storm: $after_storm bindings, more than the $expected extensions registered: FAILED"
    status=1
else
    echo "register-storm: after the storm: $after_storm bindings for $expected extensions registered ($failed_total registrations failed): ok"
fi
# What the engine answered 200 it must have stored: the same bindings after a restart.
stop_engine
start_engine
after_restart=$(bindings)
if [ "$after_restart" -eq "$after_storm" ]; then
    echo "register-storm: after an engine restart: $after_restart bindings: ok"
else
    echo "register-storm: after an engine restart: $after_restart bindings, $after_storm before: FAILED"
    status=1
fi
exit $status
