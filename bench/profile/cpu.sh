#!/usr/bin/env bash
# Where the engine's CPU goes under call load: perf samples (with DWARF call stacks) of the
# engine in the middle of a bench/sip-load step, written out as demangled stacks for
# stacks.py. See README.md.
#
#   bash bench/profile/cpu.sh [--rate 2000] [--seconds 3] [--digest] [--subscribers N] [--bin-dir .build/release] [--out DIR]
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD

rate=2000
seconds=3
source bench/profile/options.sh
parse_profile_options cpu 6 "$@"
command -v perf >/dev/null || { echo "profile cpu: perf not found (apt-get install linux-perf)" >&2; exit 1; }
[ -n "$out" ] || out=$(mktemp -d /tmp/vpbx-cpu-XXXXXX)
mkdir -p "$out"

# The load step lasts long enough for perf to start after the engine's step begins and to
# sample $seconds s well inside it.
duration=$((seconds + 5))
log="$out/sip-load.log"
bash bench/sip-load/run.sh --rates "$rate" --duration "$duration" --bin-dir "$bin_dir" "${load_options[@]}" > "$log" 2>&1 &
load_pid=$!
trap 'kill "$load_pid" 2>/dev/null || true' EXIT

# The baseline step runs first; the engine's step starts when its line is printed.
for _ in $(seq $((duration * 10 + 300))); do
    grep -q "baseline *$rate calls/s" "$log" && break
    kill -0 "$load_pid" 2>/dev/null || { echo "profile cpu: the load ended early:"; cat "$log"; exit 1; }
    sleep 0.1
done
# By its SIP port, not its path: another engine of the same build (a soak) may be running.
sip_port=${SIP_LOAD_PORT_BASE:-35060}
engine_pid=$(pgrep -f "^$bin_dir/vpbx-engine .*--sip-listen 127.0.0.1:$sip_port( |$)" | head -1 || true)
[ -n "$engine_pid" ] || { echo "profile cpu: no engine from $bin_dir on port $sip_port running" >&2; exit 1; }
sleep 2
perf record -F 1999 --call-graph dwarf,32768 -p "$engine_pid" -o "$out/perf.data" -- sleep "$seconds" 2> "$out/perf-record.log"
wait "$load_pid" || true
trap - EXIT
perf script -i "$out/perf.data" -F comm,ip,sym 2>/dev/null | swift demangle --simplified > "$out/stacks.txt"
rm -f "$out/perf.data"
grep -E "^(baseline|engine) " "$log" || true
echo "profile cpu: stacks in $out/stacks.txt; e.g."
echo "  python3 bench/profile/stacks.py $out/stacks.txt callees 'PBXCore.run(_:)'"
