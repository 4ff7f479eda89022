#!/usr/bin/env python3
"""Creates many extensions through the engine's control socket, fast.

`vpbx ext add` is one process and one connection per extension: fine for a person, minutes
for the thousands a registration storm needs. This speaks the control protocol itself
(JSON-RPC 2.0, one object per line, DESIGN.md) on one connection, keeping up to --window
requests in flight, and fails on the first error the engine returns.

    provision.py --socket PATH --first 10000 --count 5000 --password-format 'storm-{number}'
"""

import argparse
import json
import socket
import sys


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--socket", required=True, help="the engine's control socket")
    parser.add_argument("--first", type=int, required=True, help="first extension number")
    parser.add_argument("--count", type=int, required=True, help="how many consecutive numbers")
    parser.add_argument("--password-format", default="pw-{number}", help="each password, {number} replaced")
    parser.add_argument("--name-format", default="Bench {number}", help="each display name")
    parser.add_argument("--voicemail", action="store_true", help="each with a voicemail box (PIN 4711)")
    parser.add_argument("--window", type=int, default=64, help="requests in flight at once")
    parser.add_argument("--timeout", type=float, default=30, help="seconds to wait for any one answer")
    args = parser.parse_args()
    if args.count < 1 or args.window < 1:
        parser.error("--count and --window must be at least 1")

    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    connection.settimeout(args.timeout)
    try:
        connection.connect(args.socket)
    except OSError as error:
        print(f"provision: cannot reach the engine at {args.socket}: {error}", file=sys.stderr)
        return 3
    reader = connection.makefile("r", encoding="utf-8")

    def request(index: int) -> bytes:
        number = str(args.first + index)
        params = {
            "number": number,
            "name": args.name_format.format(number=number),
            "password": args.password_format.format(number=number),
        }
        if args.voicemail:
            params.update(voicemail=True, voicemailPin="4711")
        return (json.dumps({"jsonrpc": "2.0", "id": index, "method": "extension.create", "params": params}) + "\n").encode()

    sent = answered = 0
    try:
        while answered < args.count:
            batch = b""
            while sent < args.count and sent - answered < args.window:
                batch += request(sent)
                sent += 1
            if batch:
                connection.sendall(batch)
            line = reader.readline()
            if not line:
                print(f"provision: the engine closed the connection after {answered} answers", file=sys.stderr)
                return 1
            message = json.loads(line)
            if "id" not in message:
                continue  # a notification: not asked for, ignored
            if "error" in message:
                number = args.first + int(message["id"])
                print(f"provision: extension {number}: {message['error']}", file=sys.stderr)
                return 1
            answered += 1
    except (OSError, ValueError) as error:
        print(f"provision: after {answered} extensions: {error}", file=sys.stderr)
        return 1
    finally:
        connection.close()
    print(f"provision: {answered} extensions created ({args.first}-{args.first + args.count - 1})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
