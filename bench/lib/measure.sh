# Measuring helpers the load benches share (sip-load, register-storm); sourced, not run.

# utime + stime of a process, in clock ticks (fields 14 and 15 of /proc/PID/stat; the
# command name in field 2 may hold spaces, so count from after its closing parenthesis).
cpu_ticks() {
    sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'
}

# Resident memory of a process now, in kB.
rss_kb() {
    awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"
}

# Datagrams the kernel dropped at the UDP socket bound to 127.0.0.1:$1 because its receive
# buffer was full (the last column of /proc/net/udp), 0 when there is none. Drops at the
# engine's SIP socket mean its event loop fell behind reading: responses, ACKs and BYEs are
# lost as well as new requests, which then fail by timeout once sipp's retransmissions give up.
socket_drops() {
    awk -v port="$(printf '%04X' "$1")" 'NR > 1 && $2 == "0100007F:" port { drops += $NF }
        END { print drops + 0 }' /proc/net/udp
}

# "successful failed" from sipp statistics files (-trace_stat -stf), summed over the files
# given: the last line of each, columns found by name (sipp separates with ';'); "0 0" for
# files missing or empty.
sipp_counts() {
    local file
    for file in "$@"; do
        awk -F';' 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
            { ok = $col["SuccessfulCall(C)"]; failed = $col["FailedCall(C)"] }
            END { print (ok == "" ? 0 : ok), (failed == "" ? 0 : failed) }' "$file" 2>/dev/null || echo "0 0"
    done | awk '{ ok += $1; failed += $2 } END { print ok + 0, failed + 0 }'
}

# Why sipp's calls failed, from its error files (-trace_err -error_file): the responses it
# did not expect ("503 x12") and the lines that mention a timeout, as " (503 x12, timeout
# x3)"; empty when none. A step's failures are usually all one kind (e.g. 503s once the
# engine runs out of RTP ports with calls piled up behind it).
sipp_failure_reasons() {
    local reasons
    reasons=$(cat "$@" 2>/dev/null | awk '
        /Aborting call on unexpected message/ && match($0, /received .SIP\/2\.0 [0-9]+[^\r\047]*/) {
            code[substr($0, RSTART + 18, RLENGTH - 18)]++; next }
        /timeout|Timeout/ { timeouts++ }
        END { for (c in code) printf ", %s x%d", c, code[c]; if (timeouts) printf ", timeout x%d", timeouts }')
    if [ -n "$reasons" ]; then printf ' (%s)' "${reasons#, }"; fi
}
