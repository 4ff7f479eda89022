#!/usr/bin/env python3
"""An event subscriber on the engine's control socket, as a wallboard or a CRM connector is.

    subscriber.py SOCKET

Subscribes to every topic and reads event lines as fast as they come. It stops when the
engine closes the connection, when the engine drops it for falling behind (an
`events.overflow` event), or on SIGTERM, and then prints one line:
`events N overflow yes|no by-type type=count,...`. It reads only each line's type, found by
a byte search rather than a JSON parse (parsing every event cost this process about a tenth
of a core at 4,000 events a second, taken from the two cores the engine runs on), so what
it measures is the engine's delivery, not a client's decoding.
"""
import json
import signal
import socket
import sys


TYPE_KEY = b'"type":"'


def event_type(line):
    """The `type` of an event notification line. The engine writes its keys sorted and
    without spaces, so the event's `type` is the line's last `"type":"` (one inside the
    event's data comes before it); a line without one is parsed as JSON."""
    start = line.rfind(TYPE_KEY)
    if start < 0:
        return json.loads(line)["params"]["type"]
    start += len(TYPE_KEY)
    return line[start:line.index(b'"', start)].decode()


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    counts = {}
    overflow = False
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    connection.connect(sys.argv[1])
    connection.sendall(b'{"jsonrpc":"2.0","id":1,"method":"events.subscribe","params":{}}\n')
    connection.settimeout(0.5)
    buffer = b""
    first = True
    while not stop and not overflow:
        try:
            chunk = connection.recv(1 << 20)
        except socket.timeout:
            continue
        if not chunk:
            break
        buffer += chunk
        *lines, buffer = buffer.split(b"\n")
        for line in lines:
            if first:  # the response with the snapshot
                first = False
                if b'"error"' in line:
                    sys.exit(f"subscriber.py: subscription refused: {line.decode(errors='replace')}")
                continue
            kind = event_type(line)
            counts[kind] = counts.get(kind, 0) + 1
            overflow = overflow or kind == "events.overflow"
    total = sum(counts.values())
    kinds = ",".join(f"{kind}={count}" for kind, count in sorted(counts.items()))
    print(f"events {total} overflow {'yes' if overflow else 'no'} by-type {kinds or '-'}", flush=True)


if __name__ == "__main__":
    main()
