#!/usr/bin/env bash
# Queue reports on a call center's history: fills an engine's queue_calls table with ROWS
# finished queue callers over DAYS (bench/queue-report/fill.py), restarts the engine on it and
# times `vpbx report queue` for what a supervisor asks (a day in quarter hours, a month by day,
# a year by day), each against `vpbx status` in the same run (the CLI's start and one round
# trip, no database work): the baseline. The engine's CPU time and peak memory are printed
# with each report.
#
#   bash bench/queue-report/run.sh [--rows 1500000] [--days 365] [--repeat 3]
#                                  [--bin-dir .build/release] [--keep]
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
# shellcheck source=../lib/engine.sh
source "$root/bench/lib/engine.sh"
# shellcheck source=../lib/history.sh
source "$root/bench/lib/history.sh"
# shellcheck source=../lib/measure.sh
source "$root/bench/lib/measure.sh"

rows=1500000
days=365
repeat=3
keep=0
bin_dir="$root/.build/release"
usage() { sed -n '2,10p' "$0"; }
while [ $# -gt 0 ]; do
    case "$1" in
        --rows | --days | --repeat | --bin-dir)
            [ $# -ge 2 ] || { echo "queue-report: $1 needs a value" >&2; exit 2; } ;;
    esac
    case "$1" in
        --rows) rows=$2; shift 2 ;;
        --days) days=$2; shift 2 ;;
        --repeat) repeat=$2; shift 2 ;;
        --bin-dir) bin_dir=$2; shift 2 ;;
        --keep) keep=1; shift ;;
        -h | --help) usage; exit 0 ;;
        *) echo "queue-report: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
done
for value in $rows $days $repeat; do
    [[ $value =~ ^[1-9][0-9]*$ ]] || { echo "queue-report: '$value' is not a positive whole number" >&2; exit 2; }
done
[ "$days" -ge 2 ] || { echo "queue-report: --days must be at least 2 (the reports ask for yesterday)" >&2; exit 2; }
history_prepare queue-report 37470 38100-38199
history_fill "$rows queue calls over $days days" "$root/bench/queue-report/fill.py" "$rows" "$days"

# The median wall time of `repeat` runs of a vpbx command, in seconds; the engine's CPU
# seconds per run in $work/cpu.
median_seconds() {
    local ticks_before median
    ticks_before=$(cpu_ticks "$engine_pid")
    median=$(median_cli_seconds queue-report "$repeat" "$work/out.json" "$cli" "$socket" "$@")
    awk -v t="$(( $(cpu_ticks "$engine_pid") - ticks_before ))" -v hz="$(getconf CLK_TCK)" -v n="$repeat" \
        'BEGIN { printf "%.3f", t / hz / n }' > "$work/cpu"
    echo "$median"
}

today=$(date +%Y-%m-%d)
yesterday=$(date -d yesterday +%Y-%m-%d)
month_ago=$(date -d '30 days ago' +%Y-%m-%d)
old_day=$(date -d "$((days - 1)) days ago" +%Y-%m-%d)
year_ago=$(date -d "$((days - 1)) days ago" +%Y-%m-%d)
baseline=$(median_seconds status)
printf '%-52s %9s %8s %10s %8s %9s\n' "report" "seconds" "x status" "engine cpu" "buckets" "peak MB"
report() {
    local label=$1
    shift
    local seconds buckets
    seconds=$(median_seconds report queue "$@")
    buckets=$(python3 -c 'import json,sys; print(sum(len(r["buckets"]) for r in json.load(open(sys.argv[1]))))' "$work/out.json")
    printf '%-52s %9.3f %8.1f %10s %8s %9.0f\n' "$label" "$seconds" \
        "$(awk -v s="$seconds" -v b="$baseline" 'BEGIN { printf "%.3f", s / b }')" "$(cat "$work/cpu")" "$buckets" \
        "$(awk '/^VmHWM/ { print $2 / 1024 }' "/proc/$engine_pid/status")"
}
printf '%-52s %9.3f %8.1f %10s %8s %9s\n' "vpbx status (baseline)" "$baseline" 1 "$(cat "$work/cpu")" "-" "-"
report "support, yesterday in quarter hours" --queue support --since "$yesterday" --until "$yesterday" --interval 15m
report "every queue, yesterday by hour" --since "$yesterday" --until "$yesterday" --interval 1h
report "every queue, $old_day (the oldest day) by hour" --since "$old_day" --until "$old_day" --interval 1h
report "every queue, the last 30 days by day" --since "$month_ago" --until "$yesterday" --interval 1d
report "every queue, the whole history by day" --since "$year_ago" --until "$today" --interval 1d
