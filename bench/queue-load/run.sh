#!/usr/bin/env bash
# Queue load: sipp callers into one ACD queue served by sipp agent desks, through
# vpbx-engine. Reports the distribution delay (an agent hangs up -> the next waiting caller
# rings them), calls per agent, failures and the engine's CPU per queued call. See README.md.
#
#   bash bench/queue-load/run.sh [--callers 200] [--agents 50] [--rate 50] [--talk-ms 2000]
#                                [--strategy fewest-calls] [--bin-dir .build/release]
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
# shellcheck source=../lib/engine.sh
source "$root/bench/lib/engine.sh"
here="$root/bench/queue-load"

callers=200
agents=50
rate=50
talk_ms=2000
strategy=fewest-calls
bin_dir="$root/.build/release"
while [ $# -gt 0 ]; do
    case "$1" in
        --callers) callers=$2; shift 2 ;;
        --agents) agents=$2; shift 2 ;;
        --rate) rate=$2; shift 2 ;;
        --talk-ms) talk_ms=$2; shift 2 ;;
        --strategy) strategy=$2; shift 2 ;;
        --bin-dir) bin_dir=$2; shift 2 ;;
        -h | --help) sed -n '2,8p' "$0"; exit 0 ;;
        *) echo "queue-load: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
done

command -v sipp >/dev/null || { echo "queue-load: sipp not found; run bash scripts/setup-deps.sh" >&2; exit 1; }
engine="$bin_dir/vpbx-engine"
cli="$bin_dir/vpbx"
[ -x "$engine" ] && [ -x "$cli" ] || { echo "queue-load: $engine or $cli missing: run 'swift build -c release'" >&2; exit 1; }

# Loopback ports; override with QUEUE_LOAD_PORT_BASE if these are taken.
base=${QUEUE_LOAD_PORT_BASE:-36060}
engine_port=$base
desk_port=$((base + 10))
caller_port=$((base + 20))
rtp_range=${QUEUE_LOAD_RTP_PORTS:-50000-59999}
hz=$(getconf CLK_TCK)
work=$(mktemp -d /tmp/queue-load-XXXXXX)
socket="$work/control.sock"

engine_pid=""
desk_pid=""
cleanup() {
    # Only the processes this script started, by PID.
    [ -n "$desk_pid" ] && kill "$desk_pid" 2>/dev/null || true
    if [ -n "$engine_pid" ]; then
        kill -TERM "$engine_pid" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$engine_pid" 2>/dev/null || break; sleep 0.2; done
        kill -KILL "$engine_pid" 2>/dev/null || true
    fi
    if [ -n "${KEEP_WORK:-}" ]; then echo "queue-load: work files kept in $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

cpu_ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'; }
vpbx() { "$cli" "$@" --socket "$socket" >/dev/null; }

"$engine" --data-dir "$work/data" --sip-listen "127.0.0.1:$engine_port" --rtp-ports "$rtp_range" \
    --rtp-address 127.0.0.1 --socket "$socket" --trusted 127.0.0.0/8 --log-level warning 2> "$work/engine.log" &
engine_pid=$!
wait_for_engine queue-load "$engine_pid" "$cli" "$socket" "$work/engine.log"

# The desks: one sipp answers for every agent extension 3001...
sipp -sf "$here/agent-desk.xml" -i 127.0.0.1 -bind_local -p "$desk_port" -mi 127.0.0.1 -d "$talk_ms" \
    -nostdin -trace_msg -message_file "$work/desks.msg" -trace_err -error_file "$work/desks.errors" \
    > "$work/desks.screen" 2>&1 &
desk_pid=$!
sleep 0.5
kill -0 "$desk_pid" 2>/dev/null || { echo "queue-load: desk sipp did not start:"; cat "$work/desks.screen"; exit 1; }

echo "queue-load: $agents agents ($strategy), $callers callers at $rate/s, talk $talk_ms ms"
vpbx queue add bench --strategy "$strategy" --ring-timeout 10 --wrap-up 0
for i in $(seq "$agents"); do
    ext=$((3000 + i)) agent=$((4000 + i))
    vpbx ext add "$ext" --name "Desk $i" --password "desk-$$-$i" --static-contact "sip:$ext@127.0.0.1:$desk_port"
    vpbx agent add "$agent" --name "Agent $i"
    vpbx queue member add bench "$agent"
    vpbx agent login "$agent" --at "$ext"
done
vpbx route add 300 --to queue:bench

before=$(cpu_ticks "$engine_pid")
started=$(date +%s.%N)
limit=$(( callers / rate + callers * talk_ms / 1000 / agents + 120 ))
timeout "$limit" sipp -sf "$here/caller.xml" -s 300 -i 127.0.0.1 -bind_local -p "$caller_port" -mi 127.0.0.1 \
    -r "$rate" -m "$callers" -l "$callers" -nostdin -trace_stat -stf "$work/callers.csv" -fd 1 \
    -trace_err -error_file "$work/callers.errors" "127.0.0.1:$engine_port" > "$work/callers.screen" 2>&1 || true
ended=$(date +%s.%N)
after=$(cpu_ticks "$engine_pid")

read -r ok failed < <(awk -F';' 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
    { ok = $col["SuccessfulCall(C)"]; failed = $col["FailedCall(C)"] }
    END { print (ok == "" ? 0 : ok), (failed == "" ? 0 : failed) }' "$work/callers.csv" 2>/dev/null || echo "0 0")
echo
echo "callers: $ok answered by an agent and ended, $failed failed (of $callers)"
awk -v t="$((after - before))" -v hz="$hz" -v n="$ok" -v s="$started" -v e="$ended" 'BEGIN {
    printf "engine CPU: %.2f s over %.1f s wall, %.2f ms per queued call\n", t / hz, e - s, (n > 0 ? 1000 * t / hz / n : 0) }'
python3 "$here/delays.py" "$work/desks.msg"
"$cli" queue stats bench --socket "$socket"
