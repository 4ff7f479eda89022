#!/usr/bin/env python3
"""Drive N concurrent G.711 RTP streams through a relay and measure loss and added latency.

Each stream is a pair of UDP sockets on the loopback: phone A sends a 172-byte RTP packet
(12-byte header + 160 bytes of PCMU payload) every 20 ms to the relay's A-side port; phone B
receives it from the B-side port. The send time (monotonic clock, same host) rides in the
payload, so the receiver computes the one-way time through the path.

Paths measured in one run, so results are ratios on a shared, noisy machine:
  direct  phone A sends straight to phone B: the floor (loopback + this generator).
  echo    a trivial Python relay in a separate process, with the same symmetric-latching
          behaviour as vpbx's relay: the baseline to compare against.
  relay   the real relay, given as A:B port pairs (--pairs or --pairs-file).

Phone B first sends a few priming packets to its relay port, so a relay that latches (vpbx,
the echo) learns B's address without any signalling. Standard library only.
"""

import argparse
import json
import multiprocessing
import selectors
import socket
import struct
import sys
import time

PAYLOAD = 160
PTIME_NS = 20_000_000
HEADER = struct.Struct("!BBHII")  # V/P/X/CC, M/PT, sequence, timestamp, SSRC
STAMP = struct.Struct("!QI")  # send time (ns), packet index; at the start of the payload
PACKET_SIZE = HEADER.size + PAYLOAD
PRIMING_PACKETS = 3


def udp_socket(host="127.0.0.1", port=0, rcvbuf=1 << 20):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    sock.bind((host, port))
    sock.setblocking(False)
    return sock


# --- the baseline relay -------------------------------------------------------------------


def echo_relay_main(streams, conn):
    """A trivial relay: per stream an A and a B socket; a packet received on one side latches
    that side's source and goes out of the other side's socket to its latched address."""
    sides = []  # (sock, index of the opposite side)
    for i in range(streams):
        a, b = udp_socket(), udp_socket()
        sides.append([a, 2 * i + 1, None])
        sides.append([b, 2 * i, None])
    conn.send([(sides[2 * i][0].getsockname()[1], sides[2 * i + 1][0].getsockname()[1]) for i in range(streams)])
    selector = selectors.DefaultSelector()
    for index, side in enumerate(sides):
        selector.register(side[0], selectors.EVENT_READ, index)
    buffer = bytearray(2048)
    view = memoryview(buffer)
    while not conn.poll():
        for key, _ in selector.select(timeout=0.1):
            side = sides[key.data]
            while True:
                try:
                    size, source = side[0].recvfrom_into(buffer)
                except BlockingIOError:
                    break
                if side[2] is None:
                    side[2] = source
                elif side[2] != source:
                    continue
                other = sides[side[1]]
                if other[2] is not None:
                    try:
                        other[0].sendto(view[:size], other[2])
                    except (BlockingIOError, ConnectionRefusedError):
                        pass


class EchoRelay:
    """Runs echo_relay_main in its own process, so it does not share the generator's GIL."""

    def __init__(self, streams):
        self.conn, child = multiprocessing.Pipe()
        self.process = multiprocessing.Process(target=echo_relay_main, args=(streams, child), daemon=True)
        self.process.start()
        if not self.conn.poll(10):
            raise RuntimeError("the echo relay did not start within 10 s")
        self.pairs = self.conn.recv()

    def stop(self):
        self.conn.send("stop")
        self.process.join(5)
        if self.process.is_alive():
            self.process.terminate()


# --- the load generator -------------------------------------------------------------------


def percentile(sorted_values, fraction):
    if not sorted_values:
        return None
    index = min(len(sorted_values) - 1, max(0, int(round(fraction * (len(sorted_values) - 1)))))
    return sorted_values[index]


def run_path(name, host, pairs, duration, warmup, drain=0.5):
    """Sends len(pairs) streams for warmup + duration seconds. pairs: (A port, B port) at host,
    or None per stream for the direct path. Returns a summary dict (times in microseconds)."""
    streams = len(pairs)
    senders = [udp_socket() for _ in range(streams)]
    receivers = [udp_socket() for _ in range(streams)]
    targets = []
    for i, pair in enumerate(pairs):
        if pair is None:
            targets.append(receivers[i].getsockname())
        else:
            targets.append((host, pair[0]))
            # Prime B's side so a latching relay knows where phone B is.
            for _ in range(PRIMING_PACKETS):
                receivers[i].sendto(b"\x80\x00" + bytes(PACKET_SIZE - 2), (host, pair[1]))
    time.sleep(0.05)
    for sock in receivers:  # drop anything the priming echoed back
        try:
            while True:
                sock.recv(2048)
        except BlockingIOError:
            pass

    selector = selectors.DefaultSelector()
    for i, sock in enumerate(receivers):
        selector.register(sock, selectors.EVENT_READ, i)
    packet = bytearray(PACKET_SIZE)
    buffer = bytearray(2048)
    latencies = []
    sender_lag = []
    received = [0] * streams
    seen = [set() for _ in range(streams)]
    sent = [0] * streams
    send_errors = 0
    duplicates = 0
    truncated = 0

    start = time.monotonic_ns()
    measure_from = start + int(warmup * 1e9)
    stop_sending = measure_from + int(duration * 1e9)
    step = PTIME_NS // streams if streams else PTIME_NS
    tick = 0
    stop_at = stop_sending + int(drain * 1e9)
    while True:
        now = time.monotonic_ns()
        # Send everything that is due: stream (tick % streams), spread evenly over 20 ms.
        while tick * step + start <= now and start + tick * step < stop_sending:
            due = start + tick * step
            i = tick % streams
            index = tick // streams
            HEADER.pack_into(packet, 0, 0x80, 0, index & 0xFFFF, (index * PAYLOAD) & 0xFFFFFFFF, i)
            stamp = time.monotonic_ns()
            STAMP.pack_into(packet, HEADER.size, stamp, index)
            try:
                senders[i].sendto(packet, targets[i])
                if due >= measure_from:
                    sent[i] += 1
                    sender_lag.append(stamp - due)
            except (BlockingIOError, ConnectionRefusedError):
                send_errors += 1
            tick += 1
        if now >= stop_at:
            break
        next_due = start + tick * step
        timeout = max(0.0, min(next_due, stop_at) - time.monotonic_ns()) / 1e9 if next_due < stop_sending else 0.01
        for key, _ in selector.select(timeout=timeout):
            sock = key.fileobj
            while True:
                try:
                    size = sock.recv_into(buffer)
                except BlockingIOError:
                    break
                arrival = time.monotonic_ns()
                if size != PACKET_SIZE:
                    truncated += 1
                    continue
                stream = struct.unpack_from("!I", buffer, 8)[0]
                sent_at, index = STAMP.unpack_from(buffer, HEADER.size)
                if stream >= streams or sent_at < measure_from:
                    continue
                if index in seen[stream]:
                    duplicates += 1
                    continue
                seen[stream].add(index)
                received[stream] += 1
                latencies.append(arrival - sent_at)

    for sock in senders + receivers:
        sock.close()
    latencies.sort()
    sender_lag.sort()
    total_sent, total_received = sum(sent), sum(received)

    def us(value):
        return None if value is None else round(value / 1000, 1)

    return {
        "path": name,
        "streams": streams,
        "sent": total_sent,
        "received": total_received,
        "loss_percent": round(100 * (total_sent - total_received) / total_sent, 3) if total_sent else None,
        "duplicates": duplicates,
        "truncated": truncated,
        "send_errors": send_errors,
        "latency_us": {
            label: us(percentile(latencies, fraction))
            for label, fraction in (("p50", 0.5), ("p90", 0.9), ("p99", 0.99), ("p99.9", 0.999), ("max", 1.0))
        },
        # How late the generator sent against the 20 ms schedule: if this is large, the
        # generator (not the relay) is the bottleneck and the latencies are not meaningful.
        "sender_lag_p99_us": us(percentile(sender_lag, 0.99)),
    }


# --- command line -------------------------------------------------------------------------


def parse_pairs(text):
    pairs = []
    for item in text.replace("\n", ",").replace(" ", ":").split(","):
        item = item.strip(": \t")
        if not item or item.startswith("#"):
            continue
        a, b = item.split(":")
        pairs.append((int(a), int(b)))
    return pairs


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--streams", type=int, default=50, help="concurrent streams (default 50)")
    parser.add_argument("--duration", type=float, default=10.0, help="measured seconds (default 10)")
    parser.add_argument("--warmup", type=float, default=1.0, help="unmeasured seconds first (default 1)")
    parser.add_argument("--paths", default="direct,echo,relay",
                        help="comma-separated paths to run: direct, echo, relay (default: all; relay "
                             "only when --pairs/--pairs-file is given)")
    parser.add_argument("--relay-host", default="127.0.0.1", help="the relay's address (default 127.0.0.1)")
    parser.add_argument("--pairs", help="relay port pairs 'A:B,A:B,...', one per stream")
    parser.add_argument("--pairs-file", help="file with one 'A B' or 'A:B' port pair per line ('-' = stdin)")
    parser.add_argument("--json", action="store_true", help="print the results as one JSON object")
    args = parser.parse_args(argv)

    if args.streams < 1 or args.duration <= 0:
        parser.error("--streams must be at least 1 and --duration positive, e.g. --streams 100 --duration 10")
    paths = [p.strip() for p in args.paths.split(",") if p.strip()]
    unknown = set(paths) - {"direct", "echo", "relay"}
    if unknown:
        parser.error(f"unknown path(s) {', '.join(sorted(unknown))}: use direct, echo or relay")
    relay_pairs = None
    if args.pairs_file:
        with (sys.stdin if args.pairs_file == "-" else open(args.pairs_file)) as f:
            relay_pairs = parse_pairs(f.read())
    elif args.pairs:
        relay_pairs = parse_pairs(args.pairs)
    if relay_pairs is None:
        paths = [p for p in paths if p != "relay"]
    elif len(relay_pairs) < args.streams:
        parser.error(f"--streams {args.streams} needs {args.streams} relay port pairs, got {len(relay_pairs)}")

    results = []
    for path in paths:
        if path == "direct":
            results.append(run_path("direct", None, [None] * args.streams, args.duration, args.warmup))
        elif path == "echo":
            echo = EchoRelay(args.streams)
            try:
                results.append(run_path("echo", "127.0.0.1", echo.pairs, args.duration, args.warmup))
            finally:
                echo.stop()
        else:
            results.append(run_path("relay", args.relay_host, relay_pairs[: args.streams], args.duration, args.warmup))

    report = {"streams": args.streams, "duration_s": args.duration, "results": results, "ratios": ratios(results)}
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print_table(report)
    return 0


def ratios(results):
    """Added latency (path minus direct) and relay/echo ratios, when those paths ran."""
    by_path = {r["path"]: r for r in results}
    out = {}
    direct = by_path.get("direct")
    for name in ("echo", "relay"):
        r = by_path.get(name)
        if r and direct:
            out[f"{name}_added_us"] = {
                k: None if r["latency_us"][k] is None or direct["latency_us"][k] is None
                else round(r["latency_us"][k] - direct["latency_us"][k], 1)
                for k in ("p50", "p99", "p99.9")
            }
    relay, echo = by_path.get("relay"), by_path.get("echo")
    if relay and echo:
        out["relay_over_echo_latency"] = {
            k: None if not echo["latency_us"][k] or relay["latency_us"][k] is None
            else round(relay["latency_us"][k] / echo["latency_us"][k], 3)
            for k in ("p50", "p99", "p99.9")
        }
    return out


def print_table(report):
    print(f"{report['streams']} streams x {report['duration_s']} s, G.711 20 ms ({PACKET_SIZE}-byte packets)")
    print(f"{'path':<8}{'sent':>9}{'recv':>9}{'loss%':>8}{'p50us':>9}{'p90us':>9}{'p99us':>9}"
          f"{'p99.9us':>9}{'maxus':>10}{'lag99us':>9}")
    for r in report["results"]:
        lat = r["latency_us"]
        cells = [lat[k] for k in ("p50", "p90", "p99", "p99.9", "max")]
        print(f"{r['path']:<8}{r['sent']:>9}{r['received']:>9}{str(r['loss_percent']):>8}"
              + "".join(f"{str(c):>9}" for c in cells[:4]) + f"{str(cells[4]):>10}{str(r['sender_lag_p99_us']):>9}")
    for key, value in report["ratios"].items():
        print(f"{key}: " + ", ".join(f"{k}={v}" for k, v in value.items()))


if __name__ == "__main__":
    sys.exit(main())
