#!/usr/bin/env python3
"""Allocations per call from a heaptrack recording, by the engine function that made them.

    allocations.py HEAPTRACK_FILE CALLS [--top N] [--match TEXT [--depth D]]

Without --match: every allocation is put on the innermost frame of vpbx's own code in its
stack (a library's allocation counts where vpbx called into it; "(library only)" holds those
with no vpbx frame at all, such as NIO's receive path). With --match: only allocations whose
innermost vpbx frame containing TEXT is on the stack, shown with D frames of its callers
("callee <- caller"). CALLS divides every count: the calls the recording carried.
Needs heaptrack_print and swift demangle (the Swift toolchain).
"""
import argparse
import collections
import os
import subprocess
import sys
import tempfile


def stacks(heaptrack_file):
    """Yields ([mangled frames], [demangled frames], allocations), outermost frame first."""
    with tempfile.TemporaryDirectory() as work:
        raw = os.path.join(work, "stacks.txt")
        subprocess.run(["heaptrack_print", "-f", heaptrack_file, "-F", raw, "--flamegraph-cost-type", "allocations"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        with open(raw) as file:
            demangled = subprocess.run(["swift", "demangle", "--simplified"], stdin=file, capture_output=True,
                                       text=True, check=True).stdout.splitlines()
        with open(raw) as file:
            for mangled_line, demangled_line in zip(file, demangled):
                mangled, _, count = mangled_line.rstrip().rpartition(" ")
                readable, _, _ = demangled_line.rstrip().rpartition(" ")
                mangled_frames, readable_frames = mangled.split(";"), readable.split(";")
                if len(mangled_frames) == len(readable_frames):
                    yield mangled_frames, readable_frames, int(count)


# Standard library code specialized into vpbx's modules (an array growing, a dictionary
# resizing): it carries the module's name, but the caller is the one to blame.
GENERIC = ("specialized _", "_ContiguousArrayBuffer", "specialized Array", "Array.", "Array<", "specialized Dictionary",
           "specialized _NativeDictionary", "outlined ")


def ours(mangled, readable):
    """vpbx's own frames (their mangled names carry the module: VPBX..., vpbx_engine)."""
    return [name for raw, name in zip(mangled, readable)
            if ("VPBX" in raw or "vpbx" in raw) and not name.startswith(GENERIC)]


def short(frame):
    return frame.split(" (")[0]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("file")
    parser.add_argument("calls", type=float)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--match")
    parser.add_argument("--depth", type=int, default=2)
    options = parser.parse_args()

    counts, total = collections.Counter(), 0
    for mangled, readable, count in stacks(options.file):
        total += count
        frames = ours(mangled, readable)
        if options.match is None:
            counts[short(frames[-1]) if frames else "(library only)"] += count
            continue
        for index in range(len(frames) - 1, -1, -1):
            if options.match in frames[index]:
                chain = frames[max(0, index - options.depth):index + 1][::-1]
                counts[" <- ".join(short(frame) for frame in chain)] += count
                break
    print(f"{total:,} allocations, {total / options.calls:.1f} per call")
    for name, count in counts.most_common(options.top):
        print(f"{count / options.calls:8.1f}  {name[:300]}")


if __name__ == "__main__":
    try:
        main()
    except BrokenPipeError:
        pass
    except subprocess.CalledProcessError as error:
        sys.exit(f"allocations.py: {error}")
