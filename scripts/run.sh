#!/usr/bin/env bash
# README command 1: install what the build needs, build release, start the engine in the
# foreground. Arguments go to vpbx-engine unchanged (see man/vpbx-engine.8), e.g.
#
#   bash scripts/run.sh --sip-listen 0.0.0.0:5060 --rtp-address 192.0.2.10
#
# Without --data-dir (or a config file setting it) the data lives in ./vpbx-data at the
# repository root. Stop with Ctrl-C (SIGINT) or SIGTERM.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup-deps.sh --build-only
swift build -c release
# The default prompts (espeak-ng); the engine finds them through VPBX_PROMPTS_DIR unless
# --prompts-dir or the configuration file says otherwise.
bash scripts/make-prompts.sh .build/prompts
export VPBX_PROMPTS_DIR="${VPBX_PROMPTS_DIR:-$PWD/.build/prompts}"

echo "run: starting .build/release/vpbx-engine $*"
echo "run: administer it from another terminal with .build/release/vpbx (e.g. .build/release/vpbx status)"
exec .build/release/vpbx-engine "$@"
