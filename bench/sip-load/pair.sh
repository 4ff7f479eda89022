#!/usr/bin/env bash
# Two engine builds under the same load at the same time: each gets its own sipp UAC and UAS
# at --rate, and the CPU each engine spent per call is read over the same window. The shared
# machine's speed drifts by a fifth within minutes, more than most single changes save; side by
# side both builds see the same drift. See README.md ("Comparing two builds").
#
#   bash bench/sip-load/pair.sh --a DIR --b DIR [--rate 1000] [--duration 10] [--rounds 3]
set -euo pipefail
cd "$(dirname "$0")/../.."

a_dir="" b_dir="" rate=1000 duration=10 rounds=3
while [ $# -gt 0 ]; do
    case "$1" in
        --a) a_dir=$2; shift 2 ;;
        --b) b_dir=$2; shift 2 ;;
        --rate) rate=$2; shift 2 ;;
        --duration) duration=$2; shift 2 ;;
        --rounds) rounds=$2; shift 2 ;;
        -h | --help) sed -n '2,7p' "$0"; exit 0 ;;
        *) echo "sip-load pair: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
done
[ -n "$a_dir" ] && [ -n "$b_dir" ] || { echo "sip-load pair: --a and --b are required (see --help)" >&2; exit 2; }
[ "$duration" -ge 6 ] || { echo "sip-load pair: --duration must be at least 6 s" >&2; exit 2; }
for dir in "$a_dir" "$b_dir"; do
    [ -x "$dir/vpbx-engine" ] && [ -x "$dir/vpbx" ] || { echo "sip-load pair: no vpbx-engine and vpbx in $dir" >&2; exit 1; }
done
command -v sipp >/dev/null || { echo "sip-load pair: sipp not found; run bash scripts/setup-deps.sh" >&2; exit 1; }

# Loopback ports: slot 0 from SIP_LOAD_PAIR_PORT_BASE, slot 1 a thousand above; RTP ranges split.
base=${SIP_LOAD_PAIR_PORT_BASE:-37060}
work=$(mktemp -d /tmp/sip-load-pair-XXXX)
result=$(mktemp /tmp/sip-load-pair-result-XXXX)
pids=()
# Stops what this script started, by PID, and removes the round's files.
stop_round() {
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    sleep 1
    for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
    pids=()
    rm -rf "$work"
}
trap 'stop_round; rm -f "$result"' EXIT

cpu_ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'; }

# start_slot SLOT BIN_DIR RTP_RANGE: an engine with extension 2000 at its own sipp UAS.
start_slot() {
    local slot=$1 bin=$2 range=$3 port=$((base + $1 * 1000)) dir="$work/slot$1"
    mkdir -p "$dir"
    "$bin/vpbx-engine" --data-dir "$dir/data" --sip-listen "127.0.0.1:$port" --rtp-ports "$range" \
        --rtp-address 127.0.0.1 --socket "$dir/c.sock" --trusted 127.0.0.0/8 --log-level error 2> "$dir/engine.log" &
    engine[$slot]=$!
    pids+=("${engine[$slot]}")
    local i
    for i in $(seq 100); do "$bin/vpbx" status --socket "$dir/c.sock" --timeout 1 > /dev/null 2>&1 && break; sleep 0.2; done
    "$bin/vpbx" ext add 2000 --name Bench --password bench-pair --static-contact "sip:2000@127.0.0.1:$((port + 10))" \
        --socket "$dir/c.sock" > /dev/null
    sipp -sn uas -i 127.0.0.1 -bind_local -p $((port + 10)) -mi 127.0.0.1 -mp $((port + 40)) -cp $((port + 30)) \
        -nostdin > /dev/null 2>&1 &
    pids+=($!)
}

run_round() {
    local first=$1 second=$2
    engine=()
    start_slot 0 "$first" 40000-44999
    start_slot 1 "$second" 45000-49999
    sleep 0.5
    local uacs=() slot port
    for slot in 0 1; do
        port=$((base + slot * 1000))
        timeout $((duration + 60)) sipp -sn uac -s 2000 -i 127.0.0.1 -bind_local -p $((port + 20)) -mi 127.0.0.1 \
            -mp $((port + 50)) -cp $((port + 31)) -r "$rate" -m $((rate * duration)) -d 0 -recv_timeout 5000 \
            -max_retrans 3 -nostdin -trace_stat -stf "$work/slot$slot/stat.csv" -fd 1 "127.0.0.1:$port" > /dev/null 2>&1 &
        uacs+=($!)
        pids+=($!)
    done
    # The window leaves out the first two seconds (start-up) and the last two (the tail).
    sleep 2
    local a0 b0 a1 b1
    a0=$(cpu_ticks "${engine[0]}"); b0=$(cpu_ticks "${engine[1]}")
    sleep $((duration - 4))
    a1=$(cpu_ticks "${engine[0]}"); b1=$(cpu_ticks "${engine[1]}")
    wait "${uacs[@]}" || true
    local calls=$((rate * (duration - 4))) failed=()
    for slot in 0 1; do
        failed+=("$(awk -F';' 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next } { f = $c["FailedCall(C)"] } END { print f + 0 }' \
            "$work/slot$slot/stat.csv")")
    done
    # clock ticks are 10 ms: ticks * 10,000 / calls = µs per call
    echo "$(( (a1 - a0) * 10000 / calls )) $(( (b1 - b0) * 10000 / calls )) ${failed[0]} ${failed[1]}"
    stop_round
    work=$(mktemp -d /tmp/sip-load-pair-XXXX)
}

printf '%-6s %-8s %12s %12s %10s %10s\n' round slots "A us/call" "B us/call" "A failed" "B failed"
sum_a=0 sum_b=0
for round in $(seq "$rounds"); do
    # Alternate the slots: the second one runs a little slower on these machines.
    # (run_round runs in this shell, not a subshell, so stop_round knows every PID it started.)
    if [ $((round % 2)) -eq 1 ]; then
        run_round "$a_dir" "$b_dir" > "$result"
        read -r a b fa fb < "$result"; slots="A,B"
    else
        run_round "$b_dir" "$a_dir" > "$result"
        read -r b a fb fa < "$result"; slots="B,A"
    fi
    printf '%-6s %-8s %12s %12s %10s %10s\n' "$round" "$slots" "$a" "$b" "$fa" "$fb"
    sum_a=$((sum_a + a)); sum_b=$((sum_b + b))
done
echo "mean: A $((sum_a / rounds)) us/call, B $((sum_b / rounds)) us/call (B/A $(awk -v a="$sum_a" -v b="$sum_b" 'BEGIN { printf "%.3f", b / a }'))"
