# Helpers the bench scripts share; sourced, not run.

# Waits until the engine started as PID answers `vpbx status` on SOCKET, for up to 30 s.
# Exits the script (1) with the tail of LOG when the engine exits first or never answers.
#   wait_for_engine NAME PID CLI SOCKET LOG      (NAME prefixes the messages)
wait_for_engine() {
    local name=$1 pid=$2 cli=$3 socket=$4 log=$5
    for _ in $(seq 150); do
        "$cli" status --socket "$socket" --timeout 1 >/dev/null 2>&1 && return 0
        kill -0 "$pid" 2>/dev/null || { echo "$name: engine exited:"; tail -20 "$log"; exit 1; }
        sleep 0.2
    done
    echo "$name: engine not ready after 30 s"
    tail -20 "$log"
    exit 1
}

# B - A for two `date +%s.%N` readings, in seconds with three decimals (awk, not bc: bc is
# not on every machine).
#   seconds_between A B
seconds_between() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }

# The median wall time, in seconds, of REPEAT runs of `CLI ARGS... --socket SOCKET --timeout
# 300 --json`; the last run's output in OUT, the runs' stderr appended to OUT.err (a search
# cut at its limit says so there). Exits the script (1) when a run fails.
#   median_cli_seconds NAME REPEAT OUT CLI SOCKET ARGS...
median_cli_seconds() {
    local name=$1 repeat=$2 out=$3 cli=$4 socket=$5
    shift 5
    local times=() before after
    for _ in $(seq "$repeat"); do
        before=$(date +%s.%N)
        "$cli" "$@" --socket "$socket" --timeout 300 --json >"$out" 2>>"$out.err" ||
            { echo "$name: vpbx $* failed:" >&2; tail -3 "$out.err" >&2; exit 1; }
        after=$(date +%s.%N)
        times+=("$(seconds_between "$before" "$after")")
    done
    printf '%s\n' "${times[@]}" | sort -n | sed -n "$(((repeat + 1) / 2))p"
}
