# A bench on a filled history (cdr-search, queue-report): an engine started on an empty data
# directory creates this build's schema and stops, a script fills the database, and the
# engine starts again on it. Sourced after engine.sh, with bin_dir and keep (0 or 1) set.
# Defines engine, cli, work, data, socket and engine_pid; removes the work directory and
# stops the engine on exit (unless keep is 1: then the directory stays).

#   history_prepare NAME SIP_PORT RTP_RANGE    (ports on loopback, outside the tests' ones)
history_prepare() {
    history_name=$1 history_sip_port=$2 history_rtp_range=$3
    engine="$bin_dir/vpbx-engine"
    cli="$bin_dir/vpbx"
    [ -x "$engine" ] && [ -x "$cli" ] || { echo "$history_name: $engine or $cli missing: run 'swift build -c release'" >&2; exit 1; }
    command -v python3 >/dev/null || { echo "$history_name: python3 not found" >&2; exit 1; }
    work=$(mktemp -d "/tmp/vpbx-$history_name-XXXXXX")
    data="$work/data"
    socket="$work/control.sock"
    engine_pid=""
    trap history_cleanup EXIT
}

history_cleanup() {
    [ -n "$engine_pid" ] && kill -TERM "$engine_pid" 2>/dev/null && wait "$engine_pid" 2>/dev/null || true
    if [ "$keep" -eq 1 ]; then echo "$history_name: kept $work"; else rm -rf "$work"; fi
}

history_start_engine() {
    "$engine" --data-dir "$data" --socket "$socket" --sip-listen "127.0.0.1:$history_sip_port" \
        --rtp-ports "$history_rtp_range" >>"$work/engine.log" 2>&1 &
    engine_pid=$!
    wait_for_engine "$history_name" "$engine_pid" "$cli" "$socket" "$work/engine.log"
}

history_stop_engine() {
    kill -TERM "$engine_pid"
    wait "$engine_pid" 2>/dev/null || true
    engine_pid=""
}

# Creates the schema, runs `python3 SCRIPT DATABASE ARGS...`, starts the engine on the
# result and prints what was written (WHAT, e.g. "3000000 calls over 365 days"), how long it
# took, how long the engine took to answer, and the database's size.
#   history_fill WHAT SCRIPT ARGS...
history_fill() {
    local what=$1 script=$2 begun filled ready
    shift 2
    history_start_engine
    history_stop_engine
    begun=$(date +%s.%N)
    python3 "$script" "$data/vpbx.db" "$@"
    filled=$(date +%s.%N)
    history_start_engine
    ready=$(date +%s.%N)
    printf '%s: %s written in %.1f s; the engine ready %.2f s after start; database %s\n' "$history_name" "$what" \
        "$(seconds_between "$begun" "$filled")" "$(seconds_between "$filled" "$ready")" "$(du -h "$data/vpbx.db" | cut -f1)"
}
