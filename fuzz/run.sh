#!/usr/bin/env bash
# Fuzzes the SIP and SDP parsers with libFuzzer (the Swift toolchain's -sanitize=fuzzer) and
# AddressSanitizer: every input must be parsed or refused, never crash the process.
#
#   bash fuzz/run.sh [--seconds 300] [--max-len 8192] [--workdir /tmp/vpbx-fuzz]
#
# The corpus grows in WORKDIR/corpus (seeded from the parser's test fixtures); a crashing
# input is written to WORKDIR as crash-<hash> and the run stops with libFuzzer's report.
# Replay one with: WORKDIR/fuzz WORKDIR/crash-<hash>
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=300
max_len=8192
workdir=/tmp/vpbx-fuzz
while [ $# -gt 0 ]; do
    case "$1" in
        --seconds) seconds=$2; shift 2 ;;
        --max-len) max_len=$2; shift 2 ;;
        --workdir) workdir=$2; shift 2 ;;
        -h | --help) sed -n '2,10p' "$0"; exit 0 ;;
        *) echo "fuzz: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
done

mkdir -p "$workdir/corpus"
flags=(-parse-as-library -sanitize=fuzzer,address -O -I "$workdir")
# The modules under test, instrumented, in dependency order.
for module in VPBXText VPBXSIP VPBXSDP; do
    mapfile -t sources < <(find "Sources/$module" -name '*.swift' | sort)
    swiftc -c -wmo "${flags[@]}" -module-name "$module" "${sources[@]}" \
        -emit-module -emit-module-path "$workdir/$module.swiftmodule" -o "$workdir/$module.o"
done
swiftc "${flags[@]}" fuzz/SIPInputFuzz.swift "$workdir/VPBXText.o" "$workdir/VPBXSIP.o" "$workdir/VPBXSDP.o" \
    -o "$workdir/fuzz"

cp Tests/VPBXSIPTests/Fixtures/*.sip "$workdir/corpus/" 2>/dev/null || true
cd "$workdir"
./fuzz -max_len="$max_len" -len_control=0 -timeout=5 -rss_limit_mb=2048 -max_total_time="$seconds" corpus
