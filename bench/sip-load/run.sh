#!/usr/bin/env bash
# SIP call-rate load: sipp UAC -> vpbx-engine -> sipp UAS, against sipp UAC -> sipp UAS
# (the baseline) at the same stepped rates in the same run. See README.md.
#
#   bash bench/sip-load/run.sh [--rates "250 500 1000 2000 4000"] [--duration 10]
#                              [--baseline-only] [--bin-dir .build/release]
#                              [--engine-args "--overload-delay 0"] [--digest]
#                              [--history FILE] [--subscribers N] [--check-events]
#
# --digest: callers as phones are, challenged with 407 on every call and answering with MD5
# digest (extension 1000); by default they come from a trusted address and are not.
# --history FILE: the engine starts on a copy of FILE (a vpbx.db, e.g. the one
# bench/cdr-search/run.sh --keep filled with a year of calls) instead of an empty database.
# --subscribers N: N event subscribers (bench/lib/subscriber.py) follow the engine's events
# through all the steps, as wallboards and CRM connectors do; they must not be overflowed.
# --check-events: the subscribers also check that seqs run without gaps and each call's
# events come in order (subscriber.py --check); any fault fails the run.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
# shellcheck source=../lib/engine.sh
source "$root/bench/lib/engine.sh"
# shellcheck source=../lib/measure.sh
source "$root/bench/lib/measure.sh"

rates="250 500 1000 2000 4000"
duration=10
baseline_only=0
bin_dir="$root/.build/release"
engine_args=""
digest=0
history=""
subscribers=0
check_events=""
while [ $# -gt 0 ]; do
    case "$1" in
        --rates) rates=$2; shift 2 ;;
        --duration) duration=$2; shift 2 ;;
        --baseline-only) baseline_only=1; shift ;;
        --bin-dir) bin_dir=$2; shift 2 ;;
        --engine-args) engine_args=$2; shift 2 ;;
        --digest) digest=1; shift ;;
        --history) history=$2; shift 2 ;;
        --subscribers) subscribers=$2; shift 2 ;;
        --check-events) check_events="--check"; shift ;;
        -h | --help) sed -n '2,15p' "$0"; exit 0 ;;
        *) echo "sip-load: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
done

[[ $subscribers =~ ^[0-9]+$ ]] || { echo "sip-load: --subscribers takes a number" >&2; exit 2; }
[ -z "$history" ] || [ -f "$history" ] || { echo "sip-load: --history $history: no such file" >&2; exit 2; }
command -v sipp >/dev/null || { echo "sip-load: sipp not found; run bash scripts/setup-deps.sh" >&2; exit 1; }

# Loopback ports; override with SIP_LOAD_PORT_BASE if these are taken.
base=${SIP_LOAD_PORT_BASE:-35060}
engine_port=$base
uas_port=$((base + 10))
uac_port=$((base + 20))
uas_control=$((base + 30))
uac_control=$((base + 31))
uas_media=$((base + 40))
uac_media=$((base + 50))
rtp_range=${SIP_LOAD_RTP_PORTS:-40000-49999}
hz=$(getconf CLK_TCK)

work=$(mktemp -d /tmp/sip-load-XXXXXX)
results_dir="$root/bench/results"
mkdir -p "$results_dir"
results="$results_dir/sip-load-$(date +%Y%m%d-%H%M%S).csv"
echo "path,rate,calls,successful,failed,failure_pct,cpu_s_per_call,rss_kb" > "$results"

engine_pid=""
uas_pid=""
cleanup() {
    # Only the processes this script started, by PID.
    [ -n "$uas_pid" ] && kill "$uas_pid" 2>/dev/null || true
    if [ -n "$engine_pid" ]; then
        kill -TERM "$engine_pid" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$engine_pid" 2>/dev/null || break; sleep 0.2; done
        kill -KILL "$engine_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

# sipp's socket buffers. With the default (212 KB) sipp's own sockets overflow at a few
# thousand calls/s (the kernel's RcvbufErrors grew by 10,000-22,000 in a 5 s step at 6,000
# calls/s): the dropped answers come back as retransmissions and receive timeouts that count
# against the path under test. The engine's SIP sockets ask for 4 MB too. The kernel caps both
# at net.core.rmem_max / wmem_max (checked below).
sipp_buffer=4194304

# Starts the sipp UAS (the embedded 'uas' scenario: 180, 200, waits for ACK and BYE).
start_uas() {
    sipp -sn uas -i 127.0.0.1 -bind_local -p "$uas_port" -mi 127.0.0.1 -mp "$uas_media" -cp "$uas_control" \
        -buff_size "$sipp_buffer" -nostdin -trace_err -error_file "$work/uas-$1.errors" > "$work/uas-$1.screen" 2>&1 &
    uas_pid=$!
    sleep 0.5
    kill -0 "$uas_pid" 2>/dev/null || { echo "sip-load: sipp UAS did not start:"; cat "$work/uas-$1.screen"; exit 1; }
}

stop_uas() {
    kill "$uas_pid" 2>/dev/null || true
    wait "$uas_pid" 2>/dev/null || true
    uas_pid=""
}

# Drives calls at $2 calls/s for $duration s towards $3 (host:port); the embedded 'uac'
# scenario: INVITE, 200, ACK, BYE, no hold time. Prints "successful failed".
drive() {
    local tag=$1 rate=$2 target=$3 calls=$(( $2 * duration ))
    # Bounded: sipp's own global timeout, and 'timeout' around it in case it wedges.
    timeout $((duration + 60)) sipp "${caller_scenario[@]}" -s 2000 -i 127.0.0.1 -bind_local -p "$uac_port" \
        -mi 127.0.0.1 -mp "$uac_media" -cp "$uac_control" -r "$rate" -m "$calls" -d 0 \
        -recv_timeout 5000 -max_retrans 3 -timeout "$((duration + 45))s" -buff_size "$sipp_buffer" -nostdin \
        -trace_stat -stf "$work/$tag.csv" -fd 1 -trace_err -error_file "$work/$tag.errors" \
        "$target" > "$work/$tag.screen" 2>&1 || true
    sipp_counts "$work/$tag.csv"
}

# Records one measurement: path rate successful failed cpu_ticks rss_kb.
record() {
    local path=$1 rate=$2 ok=$3 failed=$4 ticks=$5 rss=$6 calls=$(( $2 * duration ))
    awk -v p="$path" -v r="$rate" -v n="$calls" -v ok="$ok" -v f="$failed" -v t="$ticks" -v hz="$hz" -v rss="$rss" 'BEGIN {
        total = ok + f; pct = n > 0 ? 100 * (n - ok) / n : 0
        cpu = ok > 0 ? t / hz / ok : 0
        printf "%s,%d,%d,%d,%d,%.2f,%.8f,%d\n", p, r, n, ok, f, pct, cpu, rss }' >> "$results"
}

# Measures one path at one rate: the CPU of the process in the middle (the engine, or for
# the baseline the sipp UAS, which handles the same calls in the callee's place).
measure() {
    local path=$1 rate=$2 target=$3
    start_uas "$path-$rate"
    local middle=${engine_pid:-$uas_pid}
    [ "$path" = baseline ] && middle=$uas_pid
    local before after listening_port=${target##*:} drops_before drops
    drops_before=$(socket_drops "$listening_port")
    before=$(cpu_ticks "$middle")
    read -r ok failed < <(drive "$path-$rate" "$rate" "$target")
    after=$(cpu_ticks "$middle")
    drops=$(( $(socket_drops "$listening_port") - drops_before ))
    # Resident memory at the end of the step: the engine keeps each call's finished
    # transactions for their RFC 3261 wait timers (32 s over UDP), so this grows with the rate.
    local rss
    rss=$(rss_kb "$middle")
    stop_uas
    record "$path" "$rate" "$ok" "$failed" $((after - before)) "$rss"
    local dropped=""
    [ "$drops" -gt 0 ] && dropped=", $drops datagrams dropped at its SIP socket"
    printf '  %-8s %5s calls/s: %6s ok, %6s failed%s%s\n' "$path" "$rate" "$ok" "$failed" "$(sipp_failure_reasons "$work/$path-$rate.errors")" "$dropped"
    sleep 1
}

# The callers' scenario: sipp's built-in 'uac' (INVITE, 200, ACK, BYE, no hold time), or
# with --digest the integration tests' call-hangup.xml without its 5 s of RTP (the same
# messages, plus the 407, its ACK and the INVITE with credentials; toward the baseline's sipp
# UAS, which challenges nothing, the 407 branch is skipped).
caller_scenario=(-sn uac)
caller_password="caller-$$-pw"
trust=(--trusted 127.0.0.0/8)
if [ "$digest" -eq 1 ]; then
    # Nothing trusted; no per-source limit (every call comes from one address, with four
    # requests where the trusted path has two).
    trust=(--source-rate-limit 0)
    sed -e '/play_pcap_audio/d' -e '/<pause milliseconds=/d' "$root/Tests/IntegrationTests/Scenarios/call-hangup.xml" \
        > "$work/caller-digest.xml"
    caller_scenario=(-sf "$work/caller-digest.xml" -key caller 1000 -au 1000 -ap "$caller_password")
fi

start_engine() {
    local engine="$bin_dir/vpbx-engine" cli="$bin_dir/vpbx" socket="$work/control.sock"
    if [ ! -x "$engine" ] || [ ! -x "$cli" ]; then
        echo "sip-load: $engine or $cli missing: run 'swift build -c release' (or pass --baseline-only)" >&2
        exit 1
    fi
    if [ -n "$history" ]; then
        mkdir -p "$work/data"
        cp "$history" "$work/data/vpbx.db"
    fi
    "$engine" --data-dir "$work/data" --sip-listen "127.0.0.1:$engine_port" --rtp-ports "$rtp_range" \
        --rtp-address 127.0.0.1 --socket "$socket" "${trust[@]}" --log-level warning \
        $engine_args 2> "$work/engine.log" &  # word-split on purpose: several options
    engine_pid=$!
    wait_for_engine sip-load "$engine_pid" "$cli" "$socket" "$work/engine.log"
    # 2000 rings the sipp UAS; trusted loopback callers are not challenged, 1000 is the
    # caller that is (--digest).
    "$cli" ext add 2000 --name Bench --password "bench-$$" --static-contact "sip:2000@127.0.0.1:$uas_port" \
        --socket "$socket" >/dev/null
    if [ "$digest" -eq 1 ]; then
        "$cli" ext add 1000 --name Caller --password "$caller_password" --socket "$socket" >/dev/null
    fi
}

callers="from a trusted address"
[ "$digest" -eq 1 ] && callers="challenged with digest (407) on every call"
echo "sip-load: rates [$rates] calls/s, $duration s each, callers $callers; CPU from /proc (CLK_TCK $hz)"
for limit in rmem_max wmem_max; do
    value=$(cat "/proc/sys/net/core/$limit" 2>/dev/null || echo 0)
    if [ "$value" -lt "$sipp_buffer" ]; then
        echo "sip-load: net.core.$limit is $value: socket buffers are capped there, and above ~2,000 calls/s"
        echo "          drops in sipp's own sockets count as failures; raise it: sysctl -w net.core.$limit=$sipp_buffer"
    fi
done
subscriber_pids=()
if [ "$baseline_only" -eq 0 ]; then
    start_engine
    for index in $(seq "$subscribers"); do
        python3 "$root/bench/lib/subscriber.py" "$work/control.sock" $check_events > "$work/subscriber-$index.out" 2>&1 &
        subscriber_pids+=($!)
    done
fi
for rate in $rates; do
    measure baseline "$rate" "127.0.0.1:$uas_port"
    [ "$baseline_only" -eq 0 ] && measure engine "$rate" "127.0.0.1:$engine_port"
done

# The table, then engine-over-baseline ratios per rate (same run, same machine load).
echo
awk -F, 'NR == 1 { next }
    { printf "%-8s %6s/s  calls %7s  ok %7s  failed %6s  failure %6s%%  cpu/call %9.2f us  rss %6.1f MB\n",
        $1, $2, $3, $4, $5, $6, $7 * 1e6, $8 / 1024
      fail[$1, $2] = $6; cpu[$1, $2] = $7; if (!($2 in seen)) { seen[$2] = 1; order[++n] = $2 } }
    END {
        if (!(("engine", order[1]) in cpu)) exit
        print ""; print "engine / baseline (sipp UAS in the callee seat):"
        for (i = 1; i <= n; i++) {
            r = order[i]; b = cpu["baseline", r]; e = cpu["engine", r]
            printf "  %6s/s  cpu per call x%s  failure %s%% vs %s%%\n", r,
                (b > 0 ? sprintf("%.2f", e / b) : "n/a"), fail["engine", r], fail["baseline", r]
        }
    }' "$results"
if [ "${#subscriber_pids[@]}" -gt 0 ]; then
    # Every call of every engine step, seen by each subscriber; an overflow fails the run.
    echo
    overflowed=0
    for index in "${!subscriber_pids[@]}"; do
        kill -TERM "${subscriber_pids[$index]}" 2>/dev/null || true
        wait "${subscriber_pids[$index]}" 2>/dev/null || true
        summary=$(cat "$work/subscriber-$((index + 1)).out")
        echo "subscriber $((index + 1)): $summary"
        [[ $summary == *"overflow no"* ]] || overflowed=1
        if [ -n "$check_events" ] && [[ $summary != *"seq-gaps 0 order-errors 0 unfinished 0"* ]]; then overflowed=1; fi
    done
    [ "$overflowed" -eq 0 ] || { echo "sip-load: a subscriber was overflowed, failed or saw events out of order"; exit 1; }
fi
echo
echo "sip-load: results in $results"
