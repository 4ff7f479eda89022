#!/usr/bin/env bash
# Fuzzes what the engine parses from the network before authenticating, with libFuzzer (the
# Swift toolchain's -sanitize=fuzzer) and AddressSanitizer: every input must be parsed or
# refused, never crash the process. Three targets, run one after the other, each for --seconds:
#   sip     SIP messages, TCP framing, typed headers, SDP parse/anchor/write (SIPInputFuzz)
#   digest  Authorization / Proxy-Authorization / WWW-Authenticate values (DigestHeaderFuzz)
#   media   RTP packet streams through the media endpoint's path (events, jitter buffer,
#           in-band DTMF), RTP header offsets, RTCP, WAV files (MediaInputFuzz)
#
#   bash fuzz/run.sh [--seconds 300] [--max-len 8192] [--target sip|digest|media|all] [--workdir /tmp/vpbx-fuzz]
#
# The digest target links swift-crypto and swift-collections' Deque (the timer queue) from
# the package's debug build: run 'swift build' first. Each target's corpus grows in
# WORKDIR/<target>-corpus; a crashing input is written to WORKDIR as crash-<hash> and the run
# stops with libFuzzer's report. Replay one with WORKDIR/fuzz-<target> WORKDIR/crash-<hash>.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=300
max_len=8192
target=all
workdir=/tmp/vpbx-fuzz
while [ $# -gt 0 ]; do
    case "$1" in
        --seconds) seconds=$2; shift 2 ;;
        --max-len) max_len=$2; shift 2 ;;
        --workdir) workdir=$2; shift 2 ;;
        --target) target=$2; shift 2 ;;
        -h | --help) sed -n '2,14p' "$0"; exit 0 ;;
        *) echo "fuzz: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
done

case "$target" in sip | digest | media | all) ;; *) echo "fuzz: --target is sip, digest, media or all" >&2; exit 2 ;; esac
mkdir -p "$workdir"
workdir=$(cd "$workdir" && pwd)
flags=(-parse-as-library -sanitize=fuzzer,address -O -I "$workdir")

# compile MODULE [extra flags...]: the module's sources, instrumented, as one object.
compile() {
    local module=$1
    shift
    mapfile -t sources < <(find "Sources/$module" -name '*.swift' | sort)
    swiftc -c -wmo "${flags[@]}" "$@" -module-name "$module" "${sources[@]}" \
        -emit-module -emit-module-path "$workdir/$module.swiftmodule" -o "$workdir/$module.o"
}

# run NAME: the target's fuzzer over its corpus for the time given.
run() {
    (cd "$workdir" && "./fuzz-$1" -max_len="$max_len" -len_control=0 -timeout=5 -rss_limit_mb=2048 \
        -max_total_time="$seconds" "$1-corpus")
}

if [ "$target" = media ] || [ "$target" = all ]; then
    compile VPBXRTP
    compile VPBXMedia
    swiftc "${flags[@]}" fuzz/MediaInputFuzz.swift "$workdir/VPBXRTP.o" "$workdir/VPBXMedia.o" \
        -o "$workdir/fuzz-media"
    mkdir -p "$workdir/media-corpus"
    # A PCMA packet then an RFC 4733 key press, each framed as length, step, bytes.
    printf '\x1c\x01\x80\x08\x00\x01\x00\x00\x00\xa0\x00\x00\x00\x07\xd5\xd5\xd5\xd5\xd5\xd5\xd5\xd5\xd5\xd5\xd5\xd5\xd5\xd5\xd5\xd5\x10\x01\x80\xe5\x00\x02\x00\x00\x01\x40\x00\x00\x00\x07\x05\x8a\x03\x20' \
        > "$workdir/media-corpus/packets"
    # Two generated prompts (scripts/make-prompts.sh), if there are any: real WAV headers.
    find .build/prompts -name '*.wav' -size -16k 2>/dev/null | head -2 | xargs -r cp -t "$workdir/media-corpus/"
    run media
    [ "$target" = media ] && exit 0
fi

compile VPBXText
compile VPBXSchedule  # VPBXSIP's calendar dates (the Date header)
compile VPBXSIP

if [ "$target" != digest ]; then
    compile VPBXSDP
    swiftc "${flags[@]}" fuzz/SIPInputFuzz.swift "$workdir/VPBXText.o" "$workdir/VPBXSchedule.o" \
        "$workdir/VPBXSIP.o" "$workdir/VPBXSDP.o" \
        -o "$workdir/fuzz-sip"
    mkdir -p "$workdir/sip-corpus"
    cp Tests/VPBXSIPTests/Fixtures/*.sip "$workdir/sip-corpus/" 2>/dev/null || true
    run sip
fi

if [ "$target" = digest ] || [ "$target" = all ]; then
    modules=.build/debug/Modules
    [ -f "$modules/Crypto.swiftmodule" ] || { echo "fuzz: no $modules/Crypto.swiftmodule: run 'swift build' first" >&2; exit 1; }
    compile VPBXSignaling -I "$modules"
    mapfile -t crypto < <(find .build/debug/Crypto.build .build/debug/CCryptoBoringSSL.build \
        .build/debug/CCryptoBoringSSLShims.build .build/debug/CryptoBoringWrapper.build .build/debug/CXKCP.build \
        .build/debug/CXKCPShims.build .build/debug/DequeModule.build .build/debug/ContainersPreview.build \
        .build/debug/InternalCollectionsUtilities.build -name '*.o' 2>/dev/null)
    swiftc "${flags[@]}" -I "$modules" fuzz/DigestHeaderFuzz.swift "$workdir/VPBXSignaling.o" "$workdir/VPBXText.o" \
        "$workdir/VPBXSchedule.o" "$workdir/VPBXSIP.o" "${crypto[@]}" -o "$workdir/fuzz-digest"
    mkdir -p "$workdir/digest-corpus"
    printf 'Digest username="1001", realm="vpbx", nonce="abc", uri="sip:1002@127.0.0.1", response="0123456789abcdef0123456789abcdef", algorithm=MD5, qop=auth, nc=00000001, cnonce="c"' \
        > "$workdir/digest-corpus/credentials"
    printf 'Digest realm="vpbx", nonce="n", algorithm=SHA-256, qop="auth", stale=true, opaque="o"' \
        > "$workdir/digest-corpus/challenge"
    run digest
fi
