#!/usr/bin/env python3
"""Reads call stacks (perf script output, demangled) and answers where the time went.

    stacks.py FILE groups NAME=REGEX ...   each sample to the group of its innermost frame that
                                           matches one (first group listed wins on a frame)
    stacks.py FILE callees FUNC           samples under FUNC, split by the frame right below it
    stacks.py FILE callers FUNC           samples under FUNC, split by the frame right above it
    stacks.py FILE inner                  innermost frames (self time)
    stacks.py FILE copies                 samples in copying or destroying a value (the value
                                          witnesses Swift emits, with the reference counting
                                          under them), by the value's type: the innermost such
                                          frame wins

Options: --thread SUBSTRING keeps only samples of threads whose name contains it (the core
runs on the concurrency pool, "oot.default-qos"; the SIP and relay loops are "NIO-ELT");
--top N lines (default 30). Shares are of all samples in the file, so figures from different
questions add up. FUNC matches a frame's start ("PBXCore.newCall").
"""
import argparse
import collections
import re
import sys

# Frames of the value witnesses and outlined helpers that copy, assign or destroy a value of
# the type named after them.
VALUE_WITNESS = re.compile(
    r"^(?:initializeWithCopy for|initializeWithTake for|assignWithCopy for|assignWithTake for|destroy for"
    r"|outlined copy of|outlined destroy of|outlined consume of|outlined init with copy of"
    r"|outlined assign with copy of|outlined retain of|outlined release of) (.+)$"
)


def read_samples(path):
    """Yields (thread, [frames innermost first]) from `perf script -F comm,ip,sym`."""
    thread, frames = None, []
    with open(path, errors="replace") as file:
        for line in file:
            if not line.strip():
                if thread is not None:
                    yield thread, frames
                thread, frames = None, []
            elif not line[0].isspace():
                thread, frames = line.strip(), []
            else:
                parts = line.strip().split(" ", 1)
                if len(parts) == 2:
                    frames.append(parts[1])
    if thread is not None:
        yield thread, frames


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("file")
    parser.add_argument("question", choices=["groups", "callees", "callers", "inner", "copies"])
    parser.add_argument("arguments", nargs="*")
    parser.add_argument("--thread")
    parser.add_argument("--top", type=int, default=30)
    options = parser.parse_args()

    samples = list(read_samples(options.file))
    total = len(samples) or 1
    counts = collections.Counter()
    matched = 0
    groups = []
    if options.question == "groups":
        for argument in options.arguments:
            name, _, pattern = argument.partition("=")
            if not pattern:
                sys.exit(f"stacks.py: group '{argument}' is not NAME=REGEX")
            groups.append((name, re.compile(pattern)))
    elif options.question in ("callees", "callers") and len(options.arguments) != 1:
        sys.exit(f"stacks.py: {options.question} takes one function name")

    for thread, frames in samples:
        if options.thread and options.thread not in thread:
            continue
        if options.question == "inner":
            counts[frames[0] if frames else "(no frames)"] += 1
        elif options.question == "copies":
            for frame in frames:
                witness = VALUE_WITNESS.match(frame)
                if witness:
                    matched += 1
                    counts[witness.group(1)] += 1
                    break
        elif options.question == "groups":
            for frame in frames:
                hit = next((name for name, pattern in groups if pattern.search(frame)), None)
                if hit:
                    counts[hit] += 1
                    break
            else:
                counts["(none) " + thread] += 1
        else:
            function = options.arguments[0]
            for index, frame in enumerate(frames):
                if frame.startswith(function):
                    matched += 1
                    if options.question == "callees":
                        counts[frames[index - 1] if index > 0 else "(self)"] += 1
                    else:
                        counts[frames[index + 1] if index + 1 < len(frames) else "(top)"] += 1
                    break

    if options.question in ("callees", "callers"):
        print(f"{options.arguments[0]}: {100 * matched / total:.1f}% of {total} samples")
    elif options.question == "copies":
        print(f"copying and destroying values: {100 * matched / total:.1f}% of {total} samples")
    for name, count in counts.most_common(options.top):
        print(f"  {100 * count / total:5.1f}%  {name[:160]}")


if __name__ == "__main__":
    try:
        main()
    except BrokenPipeError:
        pass
