#!/usr/bin/env bash
# The engine's allocations and peak heap per call: heaptrack around vpbx-engine while sipp
# sends calls through it (the sip-load set-up: extension 2000 at a sipp UAS, trusted
# loopback, no digest), stopped 2 s after the last call so every call's transactions are
# still in their RFC 3261 wait states. See README.md.
#
#   bash bench/profile/heap.sh [--rate 1000] [--seconds 5] [--bin-dir .build/release] [--out DIR]
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
# shellcheck source=../lib/engine.sh
source "$root/bench/lib/engine.sh"

rate=1000
seconds=5
source bench/profile/options.sh
parse_profile_options heap 7 "$@"
[ ${#load_options[@]} -eq 0 ] || { echo "profile heap: --digest and --subscribers are cpu.sh's (this one drives sipp itself)" >&2; exit 2; }
command -v heaptrack >/dev/null || { echo "profile heap: heaptrack not found (apt-get install heaptrack)" >&2; exit 1; }
command -v sipp >/dev/null || { echo "profile heap: sipp not found; run bash scripts/setup-deps.sh" >&2; exit 1; }
[ -n "$out" ] || out=$(mktemp -d /tmp/vpbx-heap-XXXXXX)
mkdir -p "$out"

base=${PROFILE_PORT_BASE:-36060}
engine_port=$base uas_port=$((base + 10)) uac_port=$((base + 15))
socket="$out/control.sock"
heaptrack_pid="" uas_pid=""
cleanup() {
    [ -n "$uas_pid" ] && kill "$uas_pid" 2>/dev/null || true
    local engine
    engine=$(pgrep -f "^$bin_dir/vpbx-engine --data-dir $out/data" | head -1 || true)
    [ -n "$engine" ] && kill -KILL "$engine" 2>/dev/null || true
}
trap cleanup EXIT

heaptrack -o "$out/heap" "$bin_dir/vpbx-engine" --data-dir "$out/data" --sip-listen "127.0.0.1:$engine_port" \
    --rtp-ports 40000-49999 --rtp-address 127.0.0.1 --socket "$socket" --trusted 127.0.0.0/8 \
    --log-level warning > "$out/heaptrack.log" 2> "$out/engine.log" &
heaptrack_pid=$!
wait_for_engine "profile heap" "$heaptrack_pid" "$bin_dir/vpbx" "$socket" "$out/engine.log"
"$bin_dir/vpbx" ext add 2000 --name Bench --password "bench-$$-x" --static-contact "sip:2000@127.0.0.1:$uas_port" \
    --socket "$socket" >/dev/null
sipp -sn uas -i 127.0.0.1 -bind_local -p "$uas_port" -mi 127.0.0.1 -mp $((base + 30)) -cp $((base + 20)) \
    -buff_size 4194304 -nostdin > "$out/uas.log" 2>&1 &
uas_pid=$!
calls=$((rate * seconds))
timeout $((seconds + 60)) sipp -sn uac -s 2000 -i 127.0.0.1 -bind_local -p "$uac_port" -mi 127.0.0.1 \
    -mp $((base + 35)) -cp $((base + 21)) -r "$rate" -m "$calls" -d 0 -buff_size 4194304 -nostdin \
    -trace_stat -stf "$out/uac.csv" -fd 1 "127.0.0.1:$engine_port" > "$out/uac.log" 2>&1 || true
sleep 2
engine=$(pgrep -f "^$bin_dir/vpbx-engine --data-dir $out/data" | head -1 || true)
[ -n "$engine" ] || { echo "profile heap: the engine is gone; see $out/engine.log" >&2; exit 1; }
kill -TERM "$engine"
wait "$heaptrack_pid" || true
kill "$uas_pid" 2>/dev/null || true
uas_pid=""
ok=$(awk -F';' 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next } { ok = $col["SuccessfulCall(C)"] } END { print ok + 0 }' "$out/uac.csv")
recording=""
for file in "$out"/heap.*; do recording=$file; done
echo "profile heap: $ok of $calls calls completed; recording $recording"
echo "  python3 bench/profile/allocations.py $recording $ok"
