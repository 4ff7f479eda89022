#!/usr/bin/env python3
"""Distribution delays from the agent desks' sipp message log (-trace_msg).

For every agent extension: the time from its desk's BYE (the agent hung up and is free) to
the next INVITE for it (the next waiting caller offered). While callers wait, that is the
exchange's whole reaction: BYE in, call ended, the queue told, the next caller chosen, the
INVITE out. Prints percentiles and the spread of calls per agent.

    python3 delays.py MESSAGE_LOG
"""
import re
import sys
from datetime import datetime

stamp = re.compile(r"^-{10,}\s+(\d{4}-\d{2}-\d{2})\s+(\d{2}:\d{2}:\d{2}\.\d+)")
user = re.compile(r"sip:([0-9]+)@")


def events(path):
    """(time, 'invite'|'bye', extension) for INVITEs received and BYEs sent."""
    with open(path, encoding="latin-1") as log:
        lines = log.read().splitlines()
    index = 0
    while index < len(lines):
        match = stamp.match(lines[index])
        if not match:
            index += 1
            continue
        when = datetime.strptime(match.group(1) + " " + match.group(2), "%Y-%m-%d %H:%M:%S.%f")
        direction = lines[index + 1] if index + 1 < len(lines) else ""
        body = []
        index += 2
        while index < len(lines) and not stamp.match(lines[index]):
            body.append(lines[index].strip())
            index += 1
        first = next((line for line in body if line), "")
        if "received" in direction and first.startswith("INVITE "):
            found = user.search(first)
            if found:
                yield when, "invite", found.group(1)
        elif "sent" in direction and first.startswith("BYE "):
            sender = next((line for line in body if line.lower().startswith("from:")), "")
            found = user.search(sender)
            if found:
                yield when, "bye", found.group(1)


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def main():
    last_bye = {}
    delays = []
    calls = {}
    for when, kind, extension in sorted(events(sys.argv[1])):
        if kind == "bye":
            last_bye[extension] = when
        else:
            calls[extension] = calls.get(extension, 0) + 1
            if extension in last_bye:
                delays.append((when - last_bye.pop(extension)).total_seconds() * 1000)
    if not delays:
        print("no agent was offered a second call: nothing to measure")
        return 1
    print(f"distribution delay (agent's BYE -> next INVITE), {len(delays)} offers:")
    for label, fraction in (("p50", 0.5), ("p90", 0.9), ("p99", 0.99), ("max", 1.0)):
        print(f"  {label:4} {percentile(delays, fraction):8.1f} ms")
    counts = sorted(calls.values())
    print(f"calls per agent: {len(counts)} agents, min {counts[0]}, max {counts[-1]}, total {sum(counts)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
