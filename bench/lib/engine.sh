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
