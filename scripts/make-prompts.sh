#!/usr/bin/env bash
# Speaks the default prompts of prompts/catalog.tsv with espeak-ng and converts them to what the
# engine plays (8 kHz mono PCM16 WAV, peaks at -3 dBFS):
#
#   bash scripts/make-prompts.sh OUTDIR      ->  OUTDIR/hu/<name>.wav, OUTDIR/en/<name>.wav
#
# Idempotent: a WAV newer than the catalog and this script is kept, so a second run does
# nothing. Each file is written under a temporary name and renamed, so an interrupted run
# never leaves a truncated prompt behind. Needs espeak-ng and sox (scripts/setup-deps.sh).
set -euo pipefail

if [ $# -ne 1 ]; then
    echo "usage: $0 OUTDIR" >&2
    exit 2
fi
out=$1
root="$(cd "$(dirname "$0")/.." && pwd)"
catalog="$root/prompts/catalog.tsv"
self="$root/scripts/make-prompts.sh"
for tool in espeak-ng sox; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "make-prompts: '$tool' is missing; run 'bash scripts/setup-deps.sh --build-only'" >&2
        exit 1
    fi
done

# espeak-ng voices per catalog column; 150 words a minute is a little slower than its default,
# easier to follow on a phone line.
languages=(hu en)
mkdir -p "${languages[@]/#/$out/}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

made=0
kept=0
while IFS=$'\t' read -r name hu en; do
    case "$name" in ''|'#'*) continue ;; esac
    for lang in "${languages[@]}"; do
        if [ "$lang" = hu ]; then text=$hu; else text=$en; fi
        target="$out/$lang/$name.wav"
        if [ -f "$target" ] && [ "$target" -nt "$catalog" ] && [ "$target" -nt "$self" ]; then
            kept=$((kept + 1))
            continue
        fi
        espeak-ng -v "$lang" -s 150 -w "$work/raw.wav" "$text"
        sox "$work/raw.wav" -b 16 -e signed-integer -c 1 "$work/$lang-$name.wav" gain -n -3 rate -v 8000
        mv -f "$work/$lang-$name.wav" "$target"
        made=$((made + 1))
    done
done <"$catalog"
echo "make-prompts: $made made, $kept up to date in $out"
