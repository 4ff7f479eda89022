#!/usr/bin/env bash
# Installs the Debian packages vpbx needs beyond the Swift toolchain. Idempotent: installs
# only what is missing, and refreshes the package lists only when it has to.
#
#   bash scripts/setup-deps.sh               build and test dependencies
#   bash scripts/setup-deps.sh --build-only  only what 'swift build' needs
#
# Build: libsqlite3-dev (GRDB compiles against the system SQLite), libncurses-dev (the
# CNCursesW module links ncursesw and tinfo for vpbx-tui), tzdata (opening hours are evaluated
# in Europe/Budapest or another IANA zone; slim images ship without the zone files),
# espeak-ng and sox (scripts/make-prompts.sh speaks the default prompts and converts them to
# 8 kHz; sox also makes the audio files of the media tests), libjemalloc-dev (vpbx-engine
# links jemalloc in place of glibc's malloc, measurably cheaper per call).
# Tests: sip-tester (sipp, the independent SIP peer of the integration tests), baresip-core
# (a real softphone, the second independent peer: registers, calls, holds, talks a tone and
# records what it hears), tmux (drives the real vpbx-tui in a terminal), sqlite3 (writes
# finished queue calls for the report tests, as only the queue runtime would), openssl (makes
# the certificates of the SIP over TLS tests), stunnel4 (the TLS server of a test provider
# in front of a TCP sipp, which has no TLS in Debian), dnsmasq-base (the DNS server of a test
# provider's domain, its SRV records naming the trunk's servers).
set -euo pipefail

build_packages=(libsqlite3-dev libncurses-dev libjemalloc-dev tzdata espeak-ng sox)
test_packages=(sip-tester baresip-core tmux sqlite3 openssl stunnel4 dnsmasq-base)

packages=("${build_packages[@]}")
case "${1:-}" in
    --build-only) ;;
    "") packages+=("${test_packages[@]}") ;;
    *) echo "usage: $0 [--build-only]" >&2; exit 2 ;;
esac

if ! command -v swift >/dev/null 2>&1; then
    echo "setup-deps: 'swift' is not in PATH; install the Swift 6 toolchain first (https://www.swift.org/install/linux/)" >&2
    exit 1
fi

missing=()
for package in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$package")
    fi
done
if [ ${#missing[@]} -eq 0 ]; then
    echo "setup-deps: all present (${packages[*]})"
    exit 0
fi

# Root runs apt-get directly (containers, CI); anyone else through sudo, never prompting
# (-n) when there is no terminal to answer on.
if [ "$(id -u)" -eq 0 ]; then
    as_root=()
elif command -v sudo >/dev/null 2>&1; then
    if [ -t 0 ]; then as_root=(sudo); else as_root=(sudo -n); fi
else
    echo "setup-deps: missing ${missing[*]}, and not root and no sudo: install them as root" >&2
    exit 1
fi

apt_get() {
    "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -y -q "$@"
}

install_missing() {
    apt_get install --no-install-recommends "${missing[@]}"
}

echo "setup-deps: installing ${missing[*]}"
# Fresh images ship without package lists: update first. Otherwise try with the lists we
# have, and update only if they turn out to be stale.
if ! compgen -G "/var/lib/apt/lists/*_Packages*" >/dev/null; then
    apt_get update
    install_missing
elif ! install_missing; then
    apt_get update
    install_missing
fi
