#!/usr/bin/env bash
# README command 2: install build and test dependencies, build everything (the integration
# tests run the built vpbx-engine and vpbx executables), run all tests. Arguments go to
# 'swift test', e.g.  bash scripts/test.sh --filter IntegrationTests
# Exits with swift test's status.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup-deps.sh
# Executables first, then the test bundle: 'swift test --skip-build' does not build them.
swift build
swift build --build-tests
# The default prompts: the prompt tests check that every catalog entry was generated.
bash scripts/make-prompts.sh .build/prompts

status=0
# Serial: several suites start real engines, sipp peers, RTP relays and tmux servers on
# loopback ports picked at random; run side by side on a two-core machine they occasionally
# collide on a port range. Serial costs about the same wall time here and never flakes.
swift test --skip-build --no-parallel "$@" || status=$?
if [ "$status" -ne 0 ]; then
    echo "test: swift test failed (exit $status)" >&2
fi
exit "$status"
