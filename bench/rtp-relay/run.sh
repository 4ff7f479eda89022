#!/usr/bin/env bash
# Anchored RTP relay load: N concurrent G.711 streams through vpbx-engine's relay, against a
# trivial C relay (one socket per leg, latching like vpbx) and the direct path, measured in
# the same run at each stream count. See README.md.
#
#   bash bench/rtp-relay/run.sh [--streams "250 500 1000 1500 2250"] [--duration 10]
#          [--warmup 2] [--rate 150] [--repeat 1] [--gen-sockets shared|per-phone]
#          [--gen-tick-us 500] [--gen-poll-us 500]
#          [--nice N] [--no-engine] [--engine-args "--relay-threads 2"] [--bin-dir .build/release]
#          [--uring-echo]   (also the C relay on io_uring, uring_relay.c: needs liburing-dev)
#          [--record]       (the engine records every call: extension 2000 --record on)
#          [--srtp]         (every phone speaks SRTP with SDES keys: the engine terminates
#                            both legs of every call; needs libsrtp2-dev for the generator)
#   bash bench/rtp-relay/run.sh --report bench/results/rtp-relay-DATE.csv   (the tables again)
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
# shellcheck source=../lib/engine.sh
source "$root/bench/lib/engine.sh"

streams_list="250 500 1000 1500 2250"
duration=10
warmup=2
rate=150
gen_sockets=shared
gen_tick_us=500
gen_poll_us=500
nice_level=0
report_only=""
repeat=1
no_engine=0
uring_echo=0
record_calls=0
srtp=0
engine_args=()
bin_dir="$root/.build/release"
while [ $# -gt 0 ]; do
    case "$1" in
        --streams) streams_list=$2; shift 2 ;;
        --duration) duration=$2; shift 2 ;;
        --warmup) warmup=$2; shift 2 ;;
        --rate) rate=$2; shift 2 ;;
        --gen-sockets) gen_sockets=$2; shift 2 ;;
        --gen-tick-us) gen_tick_us=$2; shift 2 ;;
        --gen-poll-us) gen_poll_us=$2; shift 2 ;;
        --nice) nice_level=$2; shift 2 ;;
        --report) report_only=$2; shift 2 ;;
        --repeat) repeat=$2; shift 2 ;;
        --no-engine) no_engine=1; shift ;;
        --uring-echo) uring_echo=1; shift ;;
        --record) record_calls=1; shift ;;
        --srtp) srtp=1; shift ;;
        --engine-args) read -r -a engine_args <<< "$2"; shift 2 ;;
        --bin-dir) bin_dir=$2; shift 2 ;;
        -h | --help) sed -n '2,14p' "$0"; exit 0 ;;
        *) echo "rtp-relay: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
done
# The table of a results CSV, then engine / echo per run and stream count (same run, same
# machine load). Also: run.sh --report FILE.
report() {
    awk -F, 'NR == 1 { next }
        { printf "run %s %-7s %5s streams  loss %8s%%  p50 %9s  p99 %9s  p99.9 %9s  max %9s us  added p99 %9s us  gen lag p99 %9s us  cpu: gen %5s%% relay %5s%% (%s%%/stream, busiest thread %s%%) machine %s%%%s\n",
            $1, $2, $3, $6, $9, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, ($22 == "" ? "" : "  [" $22 "]")
          k = $1 SUBSEP $3; loss[$2, k] = $6; added[$2, k] = $14; cpu[$2, k] = $17
          if (!(k in seen)) { seen[k] = 1; order[++n] = k } }
        END {
            print ""; print "engine / echo (same run, same stream count):"
            for (i = 1; i <= n; i++) {
                k = order[i]; split(k, p, SUBSEP)
                if (!(("engine", k) in loss) || loss["engine", k] == "") {
                    if (("engine", k) in loss) printf "  run %s %5s streams: engine did not set up the calls\n", p[1], p[2]
                    continue
                }
                ea = added["echo", k]; ga = added["engine", k]
                # Clean: loss under 0.1% and p99 added latency (over direct) under 10 ms.
                clean = (loss["engine", k] < 0.1 && ga < 10000) ? "clean" : "NOT clean"
                eclean = (loss["echo", k] != "" && loss["echo", k] < 0.1 && ea != "" && ea < 10000) ? "clean" : "NOT clean"
                printf "  run %s %5s streams: loss %s%% vs %s%%  added p99 %s vs %s us (x%s)  cpu %s%% vs %s%% (x%s)  engine %s, echo %s\n",
                    p[1], p[2], loss["engine", k], loss["echo", k], ga, ea,
                    (ea > 0 ? sprintf("%.2f", ga / ea) : "n/a"), cpu["engine", k], cpu["echo", k],
                    (cpu["echo", k] > 0 ? sprintf("%.2f", cpu["engine", k] / cpu["echo", k]) : "n/a"), clean, eclean
            }
        }' "$1"
}

[ -n "$report_only" ] && { report "$report_only"; exit 0; }

case "$nice_level" in '' | *[!0-9-]*) echo "rtp-relay: --nice wants a number (-20..19)" >&2; exit 2 ;; esac
# --nice N runs the generator, the echo relay, the engine and sipp at niceness N (negative
# needs root): on a busy shared machine, a negative N lets what is measured get the CPU ahead
# of unrelated load. All four get the same, so the comparison stays fair.
run_nice=(nice -n "$nice_level")
# Threads do not all keep the niceness they were started with: in vpbx-engine the NIO event
# loops and the Swift concurrency threads were seen at nice 0, -2 or -4 whatever the process
# was started with (probably libdispatch's QoS-to-nice mapping). So every thread is reniced
# by TID, once the engine is up and again before each measurement.
renice_threads() {
    [ "$nice_level" = 0 ] && return 0
    local t
    for t in /proc/"$1"/task/*; do renice -n "$nice_level" -p "${t##*/}" >/dev/null 2>&1 || true; done
}
thread_nices() { # "name:nice" per thread of PID
    local t
    for t in /proc/"$1"/task/*; do
        printf '%s:%s ' "$(tr ' ' '_' < "$t/comm")" "$(sed 's/.*) //' "$t/stat" | awk '{ print $17 }')"
    done 2>/dev/null
}
case "$gen_sockets" in per-phone | shared) ;; *) echo "rtp-relay: --gen-sockets is per-phone or shared" >&2; exit 2 ;; esac
case "$gen_tick_us$gen_poll_us" in *[!0-9]*) echo "rtp-relay: --gen-tick-us and --gen-poll-us take whole microseconds" >&2; exit 2 ;; esac
# Streams come two per call (one each way), so every count must be even.
for n in $streams_list; do
    case "$n" in '' | *[!0-9]*) echo "rtp-relay: --streams wants whole numbers, got '$n'" >&2; exit 2 ;; esac
    [ $((n % 2)) -eq 0 ] && [ "$n" -ge 2 ] || { echo "rtp-relay: stream counts must be even (two per call), got $n" >&2; exit 2; }
done

# Loopback ports; override with RTP_BENCH_PORT_BASE if these are taken. The SIP ports and the
# engine's RTP range sit below the kernel's ephemeral range (32768-60999 here), where the
# generator and the echo relay get thousands of ports, so they never collide with those;
# the RTP range also stays off 20000-29999, where the unit tests bind fixed ports.
base=${RTP_BENCH_PORT_BASE:-31000}
engine_port=$base
uas_port=$((base + 10))
uac_port=$((base + 20))
uas_control=$((base + 30))
uac_control=$((base + 31))
uas_media=$((base + 40))
uac_media=$((base + 50))
rtp_range=${RTP_BENCH_RTP_PORTS:-10000-19999}
hz=$(getconf CLK_TCK)
read -r eph_lo eph_hi < /proc/sys/net/ipv4/ip_local_port_range
for p in "$base" "$((base + 50))" "${rtp_range%-*}" "${rtp_range#*-}"; do
    if [ "$p" -ge "$eph_lo" ] && [ "$p" -le "$eph_hi" ]; then
        echo "rtp-relay: port $p is in the ephemeral range $eph_lo-$eph_hi, where the generator's sockets" \
            "land; pick RTP_BENCH_PORT_BASE / RTP_BENCH_RTP_PORTS outside it" >&2
        exit 2
    fi
done
engine="$bin_dir/vpbx-engine"
cli="$bin_dir/vpbx"

if [ "$no_engine" -eq 0 ]; then
    command -v sipp >/dev/null || { echo "rtp-relay: sipp not found; run bash scripts/setup-deps.sh" >&2; exit 1; }
    if [ ! -x "$engine" ] || [ ! -x "$cli" ]; then
        echo "rtp-relay: $engine or $cli missing: run 'swift build -c release', pass --bin-dir, or --no-engine" >&2
        exit 1
    fi
    command -v python3 >/dev/null || { echo "rtp-relay: python3 is needed to read 'vpbx call list --json'" >&2; exit 1; }
fi

work=$(mktemp -d /tmp/rtp-relay-XXXXXX)
results_dir="$root/bench/results"
mkdir -p "$results_dir"
results="$results_dir/rtp-relay-$(date +%Y%m%d-%H%M%S).csv"
echo "run,path,streams,sent,received,loss_pct,duplicates,send_errors,p50_us,p90_us,p99_us,p999_us,max_us,added_p99_us,lag_p99_us,gen_cpu_pct,relay_cpu_pct,relay_cpu_pct_per_stream,relay_busiest_thread_pct,machine_cpu_pct,timeline_max_ms,note" > "$results"

# The generator and the echo relay: one C file, built here (no Swift build involved).
cc=${CC:-cc}
command -v "$cc" >/dev/null || cc=clang
blast="$work/rtp_blast"
if [ "$srtp" -eq 1 ]; then
    "$cc" -O2 -pthread -DRTP_BLAST_SRTP -o "$blast" "$root/bench/rtp-relay/rtp_blast.c" -lsrtp2 ||
        { echo "rtp-relay: cannot compile rtp_blast.c with SRTP (apt-get install libsrtp2-dev)" >&2; exit 1; }
else
    "$cc" -O2 -pthread -o "$blast" "$root/bench/rtp-relay/rtp_blast.c" || { echo "rtp-relay: cannot compile rtp_blast.c with $cc" >&2; exit 1; }
fi
# --srtp: the caller's (sipp UAC's) key and the callee's (sipp UAS's), SDES inline keys both
# sides of every call use; the generator's phone X (caller side) sends under the first,
# phone Y under the second. sipp's own scenarios with RTP/SAVP and the key line added.
srtp_args=()
uac_scenario=(-sn uac)
uas_scenario=(-sn uas)
if [ "$srtp" -eq 1 ]; then
    key_x=$(head -c 30 /dev/urandom | base64)
    key_y=$(head -c 30 /dev/urandom | base64)
    srtp_args=(--srtp "$key_x,$key_y")
    for side in uac uas; do
        key=$([ "$side" = uac ] && echo "$key_x" || echo "$key_y")
        # sipp exits non-zero after dumping a scenario: the grep below checks what came out.
        { sipp -sd "$side" || true; } | sed -e 's#RTP/AVP 0#RTP/SAVP 0#' \
            -e "s#^\( *\)a=rtpmap:0 PCMU/8000#&\n\1a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:$key#" > "$work/$side-srtp.xml"
        grep -q "inline:$key" "$work/$side-srtp.xml" || { echo "rtp-relay: could not add the SRTP key to sipp's $side scenario" >&2; exit 1; }
    done
    uac_scenario=(-sf "$work/uac-srtp.xml")
    uas_scenario=(-sf "$work/uas-srtp.xml")
fi
uring_relay="$work/uring_relay"
if [ "$uring_echo" -eq 1 ]; then
    "$cc" -O2 -o "$uring_relay" "$root/bench/rtp-relay/uring_relay.c" -luring ||
        { echo "rtp-relay: cannot compile uring_relay.c (apt-get install liburing-dev)" >&2; exit 1; }
fi

engine_pid=""
uas_pid=""
uac_pid=""
echo_pid=""
stop_pid() { # PID [seconds]: TERM, bounded wait, then KILL; only PIDs this script started
    local pid=$1 limit=${2:-5}
    [ -n "$pid" ] || return 0
    kill -TERM "$pid" 2>/dev/null || return 0
    for _ in $(seq $((limit * 5))); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}
cleanup() {
    stop_pid "$echo_pid" 2
    stop_pid "$uac_pid" 2
    stop_pid "$uas_pid" 2
    stop_pid "$engine_pid" 15
    if [ -n "${KEEP_WORK:-}" ]; then echo "rtp-relay: work files kept in $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# utime + stime of a process (all its threads), in clock ticks: fields 14 and 15 of
# /proc/PID/stat, counted from after the command name's closing parenthesis.
cpu_ticks() {
    sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'
}
now() { date +%s.%N; }

# Reads 'vpbx call list --json' on stdin. count: "answered total"; pairs FILE: the caller
# leg's and the callee leg's mediaPort per answered call, "A B" per line; ids: call ids;
# packets: RTP packets in/out summed over legs.
calls() {
    python3 -c '
import json, sys
mode = sys.argv[1]
try:
    calls = json.load(sys.stdin)
except ValueError:
    calls = []
def answered(c):
    legs = c.get("legs", [])
    return c.get("state") == "answered" and len(legs) >= 2 and all(l.get("mediaPort") for l in legs[:2])
if mode == "count":
    print(sum(1 for c in calls if answered(c)), len(calls))
elif mode == "pairs":
    with open(sys.argv[2], "w") as f:
        for c in calls:
            if answered(c):
                caller = next(l for l in c["legs"] if l["id"] == "a")
                callee = next(l for l in c["legs"] if l["id"] != "a" and l.get("state") == "answered")
                f.write("%d %d\n" % (caller["mediaPort"], callee["mediaPort"]))
elif mode == "ids":
    for c in calls:
        print(c["id"])
elif mode == "packets":
    inn = sum(l.get("rtpPacketsIn", 0) for c in calls for l in c.get("legs", []))
    out = sum(l.get("rtpPacketsOut", 0) for c in calls for l in c.get("legs", []))
    print("legs_rtp_in=%d legs_rtp_out=%d" % (inn, out))
' "$@"
}
call_list() { "$cli" call list --json --socket "$work/control.sock" --timeout 10 2>> "$work/cli.err" || echo "[]"; }

# One generator result line -> CSV row, with the CPU figures of the last 'measured'.
# run path streams direct_p99 note
record() {
    local run=$1 path=$2 n=$3 direct_p99=$4 note=$5
    echo "$line" | awk -v run="$run" -v path="$path" -v n="$n" -v dp="$direct_p99" -v rc="$relay_pct" \
        -v top="$top_thread" -v mc="$machine_pct" -v note="$note" '{
        for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
        added = (dp == "" ? "" : sprintf("%.1f", v["p99_us"] - dp))
        per = (rc == "" ? "" : sprintf("%.4f", rc / n))
        tl = v["timeline_max_ms"]; gsub(",", ";", tl)
        printf "%s,%s,%d,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n", run, path, n, v["sent"], v["received"],
            v["loss_pct"], v["duplicates"], v["send_errors"], v["p50_us"], v["p90_us"], v["p99_us"], v["p999_us"],
            v["max_us"], added, v["lag_p99_us"], v["gen_cpu_pct"], rc, per, top, mc, tl, note }' >> "$results"
}
field() { echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }
# Runs the generator; $1 = timeout label, rest = its arguments. Bounded by warm-up + duration + 60 s.
gen() {
    local shared=""
    [ "$gen_sockets" = shared ] && shared=--shared-sockets
    timeout "$(awk -v w="$warmup" -v d="$duration" 'BEGIN { printf "%d", w + d + 60 }')" "${run_nice[@]}" "$blast" gen \
        --duration "$duration" --warmup "$warmup" --tick-us "$gen_tick_us" --poll-us "$gen_poll_us" $shared \
        "${srtp_args[@]}" "$@" \
        2>> "$work/gen.err" || echo "label=failed"
}
# CPU percent of one core over an interval: ticks_before ticks_after t_before t_after
cpu_pct() { awk -v a="$1" -v b="$2" -v s="$3" -v e="$4" -v hz="$hz" 'BEGIN { printf "%.1f", 100 * (b - a) / hz / (e - s) }'; }
# Busy and total jiffies of the whole machine (all CPUs), from /proc/stat.
machine_ticks() { awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 + $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9; exit }' /proc/stat; }
# Per-thread CPU ticks of PID: "tid ticks name" per line.
thread_ticks() {
    local t
    for t in /proc/"$1"/task/*; do
        [ -r "$t/stat" ] && echo "${t##*/} $(sed 's/.*) //' "$t/stat" | awk '{ print $12 + $13 }') $(tr ' ' '_' < "$t/comm")"
    done 2>/dev/null
}
# Runs the generator (arguments: gen's) while watching the relay process $relay_of (empty for
# none): sets line (gen's output), relay_pct (relay CPU, % of one core), top_thread (its
# busiest thread, % of one core, with its name) and machine_pct (all CPUs busy, % of one core,
# so 200 = both cores; anything above gen + relay is other load on the shared machine).
measured() {
    local c0=0 c1=0 t0 t1 m0 m1 mt0 mt1
    [ -n "$relay_of" ] && { c0=$(cpu_ticks "$relay_of"); thread_ticks "$relay_of" > "$work/threads0"; }
    read -r m0 mt0 < <(machine_ticks); t0=$(now)
    line=$(gen "$@")
    [ -n "$relay_of" ] && { c1=$(cpu_ticks "$relay_of"); thread_ticks "$relay_of" > "$work/threads1"; }
    read -r m1 mt1 < <(machine_ticks); t1=$(now)
    machine_pct=$(awk -v b="$((m1 - m0))" -v t="$((mt1 - mt0))" -v n="$(nproc)" 'BEGIN { printf "%.1f", (t > 0 ? 100 * n * b / t : 0) }')
    relay_pct="" top_thread=""
    if [ -n "$relay_of" ]; then
        relay_pct=$(cpu_pct "$c0" "$c1" "$t0" "$t1")
        top_thread=$(awk -v s="$t0" -v e="$t1" -v hz="$hz" 'NR == FNR { before[$1] = $2; next }
            { d = $2 - before[$1]; if (d > best) { best = d; name = $3 } }
            END { printf "%.1f %s", 100 * best / hz / (e - s), name }' "$work/threads0" "$work/threads1")
    fi
}

start_engine() {
    "${run_nice[@]}" "$engine" --data-dir "$work/data" --sip-listen "127.0.0.1:$engine_port" --rtp-ports "$rtp_range" \
        --rtp-address 127.0.0.1 --socket "$work/control.sock" --trusted 127.0.0.0/8 --log-level warning \
        --rtp-timeout 86400 "${engine_args[@]}" 2> "$work/engine.log" &
    engine_pid=$!
    wait_for_engine rtp-relay "$engine_pid" "$cli" "$work/control.sock" "$work/engine.log"
    "$cli" ext add 2000 --name Bench --password "bench-$$" --static-contact "sip:2000@127.0.0.1:$uas_port" \
        --record "$([ "$record_calls" = 1 ] && echo on || echo off)" --socket "$work/control.sock" >/dev/null
    if [ "$srtp" -eq 1 ]; then
        "$cli" ext set 2000 --srtp mandatory --socket "$work/control.sock" >/dev/null
    fi
    # The callee: sipp's embedded 'uas' (180, 200 with SDP, then waits for ACK and BYE; sends
    # no RTP). -l: no cap on simultaneous calls in its seat.
    "${run_nice[@]}" sipp "${uas_scenario[@]}" -i 127.0.0.1 -bind_local -p "$uas_port" -mi 127.0.0.1 -mp "$uas_media" -cp "$uas_control" \
        -l 5000 -nostdin -trace_err -error_file "$work/uas.errors" > "$work/uas.screen" 2>&1 &
    uas_pid=$!
    sleep 0.5
    kill -0 "$uas_pid" 2>/dev/null || { echo "rtp-relay: sipp UAS did not start:"; cat "$work/uas.screen"; exit 1; }
    renice_threads "$engine_pid"
    renice_threads "$uas_pid"
    echo "rtp-relay: engine PID $engine_pid, threads (name:nice): $(thread_nices "$engine_pid")"
}

engine_alive() {
    kill -0 "$engine_pid" 2>/dev/null && "$cli" status --socket "$work/control.sock" --timeout 5 >/dev/null 2>&1
}

# Ends every call through the control socket (BYE to both sides), then stops the sipp UAC.
# Bounded: at most 120 s of hang-ups and 30 s waiting for the list to empty.
hangup_all() {
    call_list | calls ids > "$work/ids"
    if [ -s "$work/ids" ]; then
        timeout 120 xargs -P 4 -n 1 "$cli" call hangup --socket "$work/control.sock" --timeout 10 \
            < "$work/ids" > /dev/null 2>> "$work/cli.err" || true
    fi
    local left=""
    for _ in $(seq 30); do
        read -r _ left < <(call_list | calls count)
        [ "$left" = 0 ] && break
        sleep 1
    done
    [ "$left" = 0 ] || echo "  warning: $left calls still listed after hanging up"
    stop_pid "$uac_pid" 5
    uac_pid=""
}

measure_engine() {
    local run=$1 n=$2 direct_p99=$3 calls_n=$(( $2 / 2 ))
    # The caller: sipp's embedded 'uac' holding each call for an hour (-d), calls_n calls at
    # $rate calls/s, at most calls_n at once (-l). It sends no RTP either.
    "${run_nice[@]}" sipp "${uac_scenario[@]}" -s 2000 -i 127.0.0.1 -bind_local -p "$uac_port" -mi 127.0.0.1 -mp "$uac_media" \
        -cp "$uac_control" -r "$rate" -m "$calls_n" -l "$calls_n" -d 3600000 -recv_timeout 20000 \
        -max_retrans 5 -nostdin -trace_err -error_file "$work/uac-$run-$n.errors" \
        "127.0.0.1:$engine_port" > "$work/uac-$run-$n.screen" 2>&1 &
    uac_pid=$!
    # Wait until all calls are answered: the time sipp needs at $rate calls/s, plus 30 s.
    local limit=$(( calls_n / rate + 30 )) answered=0 total=0 waited=0
    while [ "$waited" -lt "$limit" ]; do
        read -r answered total < <(call_list | calls count)
        [ "$answered" -ge "$calls_n" ] && break
        kill -0 "$uac_pid" 2>/dev/null || break
        sleep 1
        waited=$((waited + 1))
    done
    if [ "$answered" -lt "$calls_n" ]; then
        echo "  engine   $n: only $answered of $calls_n calls answered ($total listed) after ${waited} s"
        echo "  engine log tail:"; tail -5 "$work/engine.log" | sed 's/^/    /'
        echo "$run,engine,$n,,,,,,,,,,,,,,,,,,,setup: $answered of $calls_n calls answered" >> "$results"
        cp "$work/engine.log" "$results_dir/rtp-relay-engine-$run-$n.log" 2>/dev/null || true
        hangup_all
        return
    fi
    call_list | calls pairs "$work/pairs-engine"
    renice_threads "$engine_pid"
    relay_of=$engine_pid measured --pairs "$work/pairs-engine" --streams "$n" --label engine
    local packets threads
    packets=$(call_list | calls packets)
    threads=$(ls "/proc/$engine_pid/task" | wc -l)
    record "$run" engine "$n" "$direct_p99" "threads=$threads $packets"
    show engine "$n"
    hangup_all
    if ! engine_alive; then
        echo "rtp-relay: the engine died or stopped answering after $n streams; log tail:"
        tail -20 "$work/engine.log"
        cp "$work/engine.log" "$results_dir/rtp-relay-engine-$run-$n.log" 2>/dev/null || true
        exit 1
    fi
}

# The C echo relay: the baseline. run n direct_p99 [echo|uring]: `uring` is the same relay
# on io_uring (uring_relay.c, --uring-echo).
measure_echo() {
    local run=$1 n=$2 direct_p99=$3 path=${4:-echo}
    local relay=("$blast" relay)
    [ "$path" = uring ] && relay=("$uring_relay")
    rm -f "$work/pairs-$path"
    "${run_nice[@]}" "${relay[@]}" --calls "$((n / 2))" --pairs-out "$work/pairs-$path" 2>> "$work/$path.err" &
    echo_pid=$!
    for _ in $(seq 100); do [ -f "$work/pairs-$path" ] && break; sleep 0.1; done
    [ -f "$work/pairs-$path" ] || { echo "rtp-relay: the $path relay did not start"; cat "$work/$path.err"; exit 1; }
    renice_threads "$echo_pid"
    relay_of=$echo_pid measured --pairs "$work/pairs-$path" --label "$path"
    stop_pid "$echo_pid" 2
    echo_pid=""
    record "$run" "$path" "$n" "$direct_p99" ""
    show "$path" "$n"
}

show() { # path n (the last 'measured')
    printf '  %-7s %5d: loss %7s%%  p50 %8s  p99 %8s  p99.9 %8s us  gen lag p99 %8s us  cpu: gen %5s%%  relay %5s%% (busiest thread %s%%)  machine %s%%\n' \
        "$1" "$2" "$(field "$line" loss_pct)" "$(field "$line" p50_us)" "$(field "$line" p99_us)" \
        "$(field "$line" p999_us)" "$(field "$line" lag_p99_us)" "$(field "$line" gen_cpu_pct)" "${relay_pct:--}" \
        "${top_thread:--}" "$machine_pct"
    printf '           worst latency per 250 ms (ms): %s\n' "$(field "$line" timeline_max_ms)"
}

echo "rtp-relay: streams [$streams_list] x $repeat run(s), $warmup s warm-up + $duration s measured;" \
    "generator sockets $gen_sockets, tick $gen_tick_us us, poll $gen_poll_us us; nice $nice_level; $(nproc) CPUs; CLK_TCK $hz; load average $(cut -d' ' -f1-3 /proc/loadavg)"
[ "$no_engine" -eq 0 ] && start_engine
for run in $(seq "$repeat"); do
    echo "run $run"
    for n in $streams_list; do
        # (a) direct: the floor.
        relay_of="" measured --direct "$n" --label direct
        direct_p99=$(field "$line" p99_us)
        record "$run" direct "$n" "" ""
        show direct "$n"
        # (b) the C echo relay and (c) the engine; even runs swap them, so a drift in the
        # machine's background load does not always favour the same one.
        if [ $((run % 2)) -eq 1 ]; then
            measure_echo "$run" "$n" "$direct_p99"
            [ "$no_engine" -eq 0 ] && measure_engine "$run" "$n" "$direct_p99"
        else
            [ "$no_engine" -eq 0 ] && measure_engine "$run" "$n" "$direct_p99"
            measure_echo "$run" "$n" "$direct_p99"
        fi
        [ "$uring_echo" -eq 1 ] && measure_echo "$run" "$n" "$direct_p99" uring
        sleep 1
    done
done

echo
report "$results"
echo
echo "rtp-relay: results in $results"
