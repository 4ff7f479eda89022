#!/usr/bin/env bash
# Soak: a steady mix of calls and registrations through one vpbx-engine for a long time,
# sampling its memory, descriptors, threads and counters, then checking that nothing it
# accepted was lost and nothing it took stayed taken. See README.md.
#
#   bash bench/soak/run.sh [--minutes 30] [--interval 10] [--scale 1] [--bin-dir .build/release]
#                          [--quiesce 90] [--max-growth-mb-per-hour 20] [--subscribers 1]
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
# shellcheck source=../lib/engine.sh
source "$root/bench/lib/engine.sh"

minutes=30
interval=10
scale=1
quiesce=90
max_growth=20
subscribers=1
bin_dir="$root/.build/release"
usage() { sed -n '2,7p' "$0"; }
number() {  # option name, value: a positive number or exit 2
    [[ $2 =~ ^[0-9]+([.][0-9]+)?$ ]] && awk -v v="$2" 'BEGIN { exit !(v > 0) }' \
        || { echo "soak: $1 takes a positive number, not '$2'" >&2; exit 2; }
}
while [ $# -gt 0 ]; do
    case "$1" in
        --minutes | --interval | --scale | --quiesce | --max-growth-mb-per-hour | --subscribers | --bin-dir)
            [ $# -ge 2 ] || { echo "soak: $1 needs a value" >&2; exit 2; } ;;
    esac
    case "$1" in
        --minutes) number "$1" "$2"; minutes=$2; shift 2 ;;
        --interval) number "$1" "$2"; interval=$2; shift 2 ;;
        --scale) number "$1" "$2"; scale=$2; shift 2 ;;
        --quiesce) number "$1" "$2"; quiesce=$2; shift 2 ;;
        --max-growth-mb-per-hour) number "$1" "$2"; max_growth=$2; shift 2 ;;
        --subscribers)
            [[ $2 =~ ^[0-9]+$ ]] || { echo "soak: --subscribers takes a whole number, not '$2'" >&2; exit 2; }
            subscribers=$2; shift 2 ;;
        --bin-dir) bin_dir=$2; shift 2 ;;
        -h | --help) usage; exit 0 ;;
        *) echo "soak: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
done

command -v sipp >/dev/null || { echo "soak: sipp not found; run bash scripts/setup-deps.sh" >&2; exit 1; }
command -v python3 >/dev/null || { echo "soak: python3 not found" >&2; exit 1; }
engine="$bin_dir/vpbx-engine"
cli="$bin_dir/vpbx"
[ -x "$engine" ] && [ -x "$cli" ] || { echo "soak: $engine or $cli missing: run 'swift build -c release'" >&2; exit 1; }
pcap=/usr/share/sip-tester/g711a.pcap
[ -r "$pcap" ] || { echo "soak: $pcap missing (Debian package sip-tester)" >&2; exit 1; }

scenarios="$root/Tests/IntegrationTests/Scenarios"
# Loopback ports below the kernel's ephemeral range (32768 and up on Debian) and outside
# 20000-29999, where the test suite binds fixed RTP ports: a soak may run during a test run.
# SOAK_PORT_BASE moves the SIP and sipp ports (about 200 from it), SOAK_RTP_PORTS the RTP range.
base=${SOAK_PORT_BASE:-32300}
engine_port=$base
rtp_range=${SOAK_RTP_PORTS:-30000-31999}
trusted_ip=127.0.0.2  # the only trusted source: everyone on 127.0.0.1 answers digest challenges
hz=$(getconf CLK_TCK)
seconds=$(awk -v m="$minutes" 'BEGIN { printf "%d", m * 60 }')

# The mix, calls per second at --scale 1. The long stream's calls carry RTP for 78 s, past the
# engine's RTP timeout (60 s): none may be ended by it while its media flows. Each stream is one sipp process; its calls are
# rate × seconds, and each has its own ports at base + offset: SIP, control at +1, media at
# +4 (sipp takes up to four from there: audio and video, RTP and RTCP).
# Transport: sipp's -t (u1: UDP, one socket; tn: TCP, a connection per call, opened and
# closed with it, so the engine's side of every connection must close too).
#   name      rate  scenario (UAC)              callee  UAS scenario   trusted  transport
streams="
media       8     call-hangup.xml             2000    echo           no       u1
long        0.1   call-long-media.xml         2003    echo           no       u1
tcp         2     call-hangup.xml             2000    echo           no       tn
quick       40    uac                         2000    echo           yes      u1
busy        2     call-expect-busy.xml        2001    busy.xml       no       u1
cancel      2     call-cancel.xml             2002    ring.xml       no       u1
hold        1     call-hold-resume.xml        2000    echo           no       u1
unknown     1     call-expect-not-found.xml   2999    -              no       u1
register    2     register.xml                3000    -              no       u1
"

work=$(mktemp -d /tmp/soak-XXXXXX)
results_dir="$root/bench/results"
mkdir -p "$results_dir"
stamp=$(date +%Y%m%d-%H%M%S)
samples="$results_dir/soak-$stamp.csv"
socket="$work/control.sock"

pids=()
engine_pid=""
cleanup() {
    # Only what this script started, by PID.
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    if [ -n "$engine_pid" ]; then
        kill -TERM "$engine_pid" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$engine_pid" 2>/dev/null || break; sleep 0.2; done
        kill -KILL "$engine_pid" 2>/dev/null || true
    fi
    if [ "${KEEP_WORK:-0}" = 1 ]; then echo "soak: work dir kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

# --- the engine -------------------------------------------------------------------------
"$engine" --data-dir "$work/data" --sip-listen "127.0.0.1:$engine_port" --rtp-ports "$rtp_range" \
    --rtp-address 127.0.0.1 --socket "$socket" --trusted "$trusted_ip/32" --log-level warning \
    2> "$work/engine.log" &
engine_pid=$!
wait_for_engine soak "$engine_pid" "$cli" "$socket" "$work/engine.log"

admin() { "$cli" "$@" --socket "$socket" >/dev/null; }
caller_password="soak-caller-$$"
admin ext add 1001 --name "Soak Caller" --password "$caller_password"
admin ext add 3000 --name "Soak Phone" --password "soak-phone-$$"

# --- the callees: one sipp UAS each, a static contact per extension -------------------------
offset=10
declare -A uas_port
while read -r name rate scenario callee uas trusted transport; do
    [ -z "$name" ] || [ "$uas" = - ] || [ -n "${uas_port[$callee]:-}" ] && continue
    port=$((base + offset)); offset=$((offset + 10))
    uas_port[$callee]=$port
    if [ "$uas" = echo ]; then
        args=(-sn uas -rtp_echo)
    else
        args=(-sf "$scenarios/$uas")
    fi
    sipp "${args[@]}" -i 127.0.0.1 -bind_local -p "$port" -mi 127.0.0.1 -mp $((port + 4)) -cp $((port + 1)) \
        -nostdin -buff_size 4194304 -trace_err -error_file "$work/uas-$callee.errors" \
        > "$work/uas-$callee.screen" 2>&1 &
    pids+=($!)
    admin ext add "$callee" --name "Soak $callee" --password "soak-$callee-$$" --static-contact "sip:$callee@127.0.0.1:$port"
done <<< "$streams"

# --- event subscribers: the consoles and wallboards a call center always has -------------------
# Each follows every topic and checks as it reads (bench/lib/subscriber.py --check): seqs
# without a gap, each call's events in order, every call ended.
subscriber_pids=()
for index in $(seq "$subscribers"); do
    python3 "$root/bench/lib/subscriber.py" "$socket" --check > "$work/subscriber-$index.out" 2>&1 &
    subscriber_pids+=($!)
    pids+=($!)
done

# --- samples ----------------------------------------------------------------------------
echo "elapsed_s,phase,rss_kb,anon_kb,file_kb,shmem_kb,fds,threads,cpu_s,active_calls,rtp_pairs_in_use,rtp_sets_parked,registrations,store_writes_pending,sip_datagrams_dropped,refused" > "$samples"
started_at=$(date +%s)
sample() {  # phase
    local status fds threads rss ticks
    # Resident memory, and its parts: anonymous (the heap, stacks), file-backed and shared
    # (SQLite's WAL index is a shared mapping).
    rss=$(awk '/^(VmRSS|RssAnon|RssFile|RssShmem):/ { v[$1] = $2 }
        END { print v["VmRSS:"] "," v["RssAnon:"] "," v["RssFile:"] "," v["RssShmem:"] }' "/proc/$engine_pid/status")
    threads=$(awk '/^Threads:/ { print $2 }' "/proc/$engine_pid/status")
    fds=$(find "/proc/$engine_pid/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)
    ticks=$(sed 's/.*) //' "/proc/$engine_pid/stat" | awk '{ print $12 + $13 }')
    status=$("$cli" status --json --socket "$socket" --timeout 5 2>/dev/null || echo '{}')
    python3 - "$status" "$1" $(( $(date +%s) - started_at )) "$rss" "$fds" "$threads" "$ticks" "$hz" >> "$samples" <<'EOF'
import json, sys
raw, phase, elapsed, rss, fds, threads, ticks, hz = sys.argv[1:]
s = json.loads(raw).get("status", {})
get = lambda k: s.get(k, "")
refused = sum(s.get(k, 0) or 0 for k in ("callsRefusedAtLimit", "callsRefusedOverloaded",
                                          "callsRefusedNoMediaPorts", "callsRefusedStoreBacklog"))
print(",".join(str(v) for v in (elapsed, phase, rss, fds, threads, f"{int(ticks) / int(hz):.2f}",
      get("activeCalls"), get("rtpPortPairsInUse"), get("rtpSocketSetsParked"), get("registrations"),
      get("storeWritesPending"), get("sipDatagramsDropped"), refused)))
EOF
}
sample start

# --- the callers ------------------------------------------------------------------------
echo "soak: $minutes min at scale $scale; engine pid $engine_pid; samples every ${interval}s in $samples"
declare -A uac_pid
for_each_stream() {
    while read -r name rate scenario callee uas trusted transport; do
        [ -n "$name" ] || continue
        "$@" "$name" "$rate" "$scenario" "$callee" "$trusted" "$transport"
    done <<< "$streams"
}
start_uac() {  # name rate scenario callee trusted transport
    local name=$1 rate scenario=$3 callee=$4 trusted=$5 transport=$6 port ip=127.0.0.1 args
    # Calls per 10 s, so that a scaled rate below one a second stays a whole number for sipp
    # (-r calls per -rp period; sipp spreads them over the period).
    rate=$(awk -v r="$2" -v s="$scale" 'BEGIN { n = int(r * s * 10 + 0.5); print (n < 1 ? 1 : n) }')
    port=$((base + offset)); offset=$((offset + 10))
    local calls
    calls=$(awk -v r="$rate" -v s="$seconds" 'BEGIN { printf "%d", r * s / 10 }')
    if [ "$scenario" = uac ]; then
        args=(-sn uac -d 0)
    else
        args=(-sf "$scenarios/$scenario" -key caller 1001 -au 1001 -ap "$caller_password")
    fi
    [ "$name" = register ] && args=(-sf "$scenarios/$scenario" -au "$callee" -ap "soak-phone-$$")
    # The holding phone's SDP names rtp_listen as its audio port: its own media port, where
    # -rtp_echo sends what it hears (the callee's echo of the music) back.
    [ "$name" = hold ] && args+=(-key rtp_listen $((port + 4)) -rtp_echo)
    [ "$trusted" = yes ] && ip=$trusted_ip
    # A connection per call: sipp refuses to start while its socket limit (50,000) is above
    # the open-file limit.
    [ "$transport" = tn ] && args+=(-max_socket 2000)
    echo "$calls" > "$work/$name.planned"
    # Bounded: sipp's own global timeout, and 'timeout' around it; the last long call starts
    # at the end of the load and lasts 78 s. No limit on calls at once (-l): sipp's default,
    # from the rate and -d, let the long stream have two up at a time and start 16 of its 60.
    timeout $((seconds + 180)) sipp "${args[@]}" -t "$transport" -s "$callee" -i "$ip" -bind_local -p "$port" \
        -mi "$ip" -mp $((port + 4)) -cp $((port + 1)) -r "$rate" -rp 10000 -m "$calls" -l 100000 \
        -max_retrans 5 -timeout "$((seconds + 150))s" -buff_size 4194304 -nostdin \
        -trace_stat -stf "$work/$name.csv" -fd "$interval" -trace_err -error_file "$work/$name.errors" \
        "127.0.0.1:$engine_port" > "$work/$name.screen" 2>&1 &
    uac_pid[$name]=$!
    pids+=($!)
}
for_each_stream start_uac

deadline=$((started_at + seconds))
while [ "$(date +%s)" -lt "$deadline" ]; do
    sleep "$interval"
    kill -0 "$engine_pid" 2>/dev/null || { echo "soak: the engine died:"; tail -20 "$work/engine.log"; exit 1; }
    sample load
done
# The callers end by their call counts; the last calls still hold media for a few seconds.
for name in "${!uac_pid[@]}"; do
    for _ in $(seq 150); do kill -0 "${uac_pid[$name]}" 2>/dev/null || break; sleep 1; done
done
sample drained
# Parked RTP socket sets close after 75 s, finished transactions after 32 s.
quiesce_end=$(( $(date +%s) + quiesce ))
while [ "$(date +%s)" -lt "$quiesce_end" ]; do sleep "$interval"; sample quiet; done

# The subscribers print their counts and checks when told to stop.
: > "$work/subscribers.txt"
for index in "${!subscriber_pids[@]}"; do
    pid=${subscriber_pids[$index]}
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    wait "$pid" 2>/dev/null || true
    summary=$(head -n 1 "$work/subscriber-$((index + 1)).out" 2>/dev/null || true)
    echo "$summary" >> "$work/subscribers.txt"
done

# --- what the callers saw, and what the engine wrote ---------------------------------------
sipp_counts() {  # name -> "successful failed" from the last line of its statistics file
    awk -F';' 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
        { ok = $col["SuccessfulCall(C)"]; failed = $col["FailedCall(C)"] }
        END { print (ok == "" ? 0 : ok), (failed == "" ? 0 : failed) }' "$work/$1.csv" 2>/dev/null || echo "0 0"
}
report="$work/report.txt"
: > "$report"
while read -r name rate scenario callee uas trusted transport; do
    [ -z "$name" ] && continue
    read -r ok failed < <(sipp_counts "$name")
    echo "$name $callee $(cat "$work/$name.planned") $ok $failed" >> "$report"
done <<< "$streams"

python3 - "$work/data/vpbx.db" "$report" "$samples" "$max_growth" "$work/subscribers.txt" <<'EOF'
import csv, re, sqlite3, sys
db_path, report_path, samples_path, max_growth = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
subscriber_lines = [line.strip() for line in open(sys.argv[5])]
streams = [line.split() for line in open(report_path) if line.strip()]
db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
rows = {(callee, disposition): n for callee, disposition, n in
        db.execute("SELECT callee, disposition, COUNT(*) FROM cdr GROUP BY callee, disposition")}
unfinished = db.execute("SELECT COUNT(*) FROM cdr WHERE ended_at IS NULL").fetchone()[0]
problems = []

print("\nstream     callee  planned       ok   failed")
calls_by_callee = {}
for name, callee, planned, ok, failed in streams:
    planned, ok, failed = int(planned), int(ok), int(failed)
    print(f"{name:<10} {callee:>6} {planned:>8} {ok:>8} {failed:>8}")
    if ok + failed < planned:
        problems.append(f"{name}: sipp ran {ok + failed} of {planned} calls")
    if planned and failed / planned > 0.001:
        problems.append(f"{name}: {failed} of {planned} failed (over 0.1 %)")
    if name != "register":
        calls_by_callee[callee] = calls_by_callee.get(callee, 0) + ok + failed

# Every call attempt the callers made leaves exactly one CDR row, finished.
print("\nCDR rows by callee and disposition:")
for (callee, disposition), n in sorted(rows.items()):
    print(f"  {callee:>6} {disposition:<10} {n:>8}")
for callee, attempts in sorted(calls_by_callee.items()):
    written = sum(n for (c, _), n in rows.items() if c == callee)
    if written != attempts:
        problems.append(f"callee {callee}: {attempts} calls placed, {written} CDR rows")
expected = {"2000": "answered", "2001": "busy", "2002": "cancelled", "2003": "answered", "2999": "failed"}
for callee, disposition in expected.items():
    other = sum(n for (c, d), n in rows.items() if c == callee and d != disposition)
    if other:
        problems.append(f"callee {callee}: {other} rows not '{disposition}'")
if unfinished:
    problems.append(f"{unfinished} CDR rows never finished")
# Every call's media flowed (or was on hold) until it was hung up: none ended by the RTP
# timeout, and each long call lasted its 78 s and was ended by its caller's BYE.
timed_out = db.execute("SELECT COUNT(*) FROM cdr WHERE cause = 'rtp_timeout'").fetchone()[0]
if timed_out:
    problems.append(f"{timed_out} calls ended by the RTP timeout")
long_calls, long_short = db.execute(
    "SELECT COUNT(*), COUNT(*) FILTER (WHERE billable_seconds < 75 OR hangup_side IS NOT 'caller') "
    "FROM cdr WHERE callee = '2003'").fetchone()
print(f"long calls: {long_calls}, shorter than 75 s or not ended by the caller: {long_short}; "
      f"calls ended by the RTP timeout: {timed_out}")
if long_short:
    problems.append(f"callee 2003: {long_short} of {long_calls} long calls shorter than 75 s or not ended by the caller")

# Every subscriber saw every call that reached an extension (a 404 is refused before a call
# exists: a CDR row, no events) end, in order and without a seq gap.
with_events = sum(n for (c, _), n in rows.items() if c != "2999")
for index, line in enumerate(subscriber_lines, 1):
    match = re.match(r"events (\d+) overflow (\w+) .* check seq-gaps (\d+) order-errors (\d+) unfinished (\d+) ended (\d+)$", line)
    if not match:
        problems.append(f"subscriber {index}: no summary ({line or 'nothing'})")
        continue
    events, overflow, gaps, disorder, unfinished_calls, ended = match.groups()
    print(f"subscriber {index}: {events} events, {ended} calls ended, seq gaps {gaps}, out of order {disorder}, "
          f"unfinished {unfinished_calls}, overflowed {overflow}")
    if overflow != "no" or int(gaps) or int(disorder) or int(unfinished_calls):
        problems.append(f"subscriber {index}: {line}")
    if int(ended) != with_events:
        problems.append(f"subscriber {index}: {ended} calls ended, {with_events} CDR rows of calls that rang an extension")

samples = list(csv.DictReader(open(samples_path)))
num = lambda row, key: float(row[key]) if row[key] not in ("", None) else None
load = [r for r in samples if r["phase"] == "load"]
start, last = samples[0], samples[-1]
print(f"\nsamples: {len(samples)} ({len(load)} under load)")
if len(load) >= 4:
    # Growth over the second half of the load: past the warm-up (transactions held 32 s,
    # parked sockets, SQLite's page cache), memory should be flat. Judged on anonymous
    # memory (what the engine allocates); file-backed and shared pages are the kernel's to
    # reclaim.
    half = load[len(load) // 2:]
    xs = [num(r, "elapsed_s") for r in half]

    def trend(key):  # least-squares slope in MB/hour over the second half
        ys = [num(r, key) / 1024 for r in half]
        mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
        var = sum((x - mx) ** 2 for x in xs)
        return ys, (sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / var * 3600) if var else 0.0

    ys, rss_slope = trend("rss_kb")
    anon, slope = trend("anon_kb")
    peak = max(num(r, "rss_kb") for r in samples) / 1024
    print(f"RSS: start {num(start, 'rss_kb') / 1024:.1f} MB, second half {min(ys):.1f}-{max(ys):.1f} MB, "
          f"peak {peak:.1f} MB, end {num(last, 'rss_kb') / 1024:.1f} MB; second-half trend {rss_slope:+.1f} MB/hour")
    print(f"  anonymous: start {num(start, 'anon_kb') / 1024:.1f} MB, second half {min(anon):.1f}-{max(anon):.1f} MB, "
          f"trend {slope:+.1f} MB/hour (limit {max_growth:g}); file-backed {num(last, 'file_kb') / 1024:.1f} MB "
          f"and shared {num(last, 'shmem_kb') / 1024:.1f} MB at the end")
    # Shorter loads are still warming up (the first minutes grow by design): reported only.
    span = xs[-1] - xs[0]
    if span < 300:
        print(f"  (a second half of {span:.0f} s: too short to judge the trend; use --minutes 10 or more)")
    elif slope > max_growth:
        problems.append(f"anonymous memory grows {slope:.1f} MB/hour under steady load")
    cpu = (num(load[-1], "cpu_s") - num(load[0], "cpu_s")) / (num(load[-1], "elapsed_s") - num(load[0], "elapsed_s"))
    print(f"engine CPU under load: {100 * cpu:.1f} % of a core")
    print(f"threads: start {start['threads']}, max {max(int(r['threads']) for r in samples)}, end {last['threads']}")
    print(f"active calls under load: max {max(int(r['active_calls'] or 0) for r in load)}")
else:
    problems.append("too few samples under load (use a longer --minutes or a shorter --interval)")

quiet = [r for r in samples if r["phase"] == "quiet"]
if len(quiet) >= 2:
    idle = (num(quiet[-1], "cpu_s") - num(quiet[0], "cpu_s")) / (num(quiet[-1], "elapsed_s") - num(quiet[0], "elapsed_s"))
    print(f"engine CPU after the load (idle, {len(quiet)} samples): {100 * idle:.2f} % of a core")
print(f"descriptors: start {start['fds']}, max {max(int(r['fds']) for r in samples)}, end {last['fds']}")
for key, label in (("active_calls", "active calls"), ("rtp_pairs_in_use", "RTP port pairs in use"),
                   ("rtp_sets_parked", "parked RTP socket sets"), ("store_writes_pending", "store writes queued")):
    if last[key] not in ("", "0"):
        problems.append(f"after the quiet period: {label} {last[key]} (expected 0)")
# A few descriptors may differ (log rotation, SQLite's WAL handles); hundreds mean sockets leaked.
if int(last["fds"]) > int(start["fds"]) + 8:
    problems.append(f"descriptors: {start['fds']} at start, {last['fds']} after the quiet period")
print(f"SIP datagrams dropped: {last['sip_datagrams_dropped']}; calls refused: {last['refused']}")

if problems:
    print("\nsoak: FAILED")
    for p in problems:
        print(f"  - {p}")
    sys.exit(1)
print("\nsoak: passed")
EOF
echo "soak: samples in $samples"
