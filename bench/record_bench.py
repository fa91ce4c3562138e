#!/usr/bin/env python3
"""hearth record vs `mosquitto_sub -v -t '#' >> file`: the same replayed stream to a file on disk.

1,000,000 QoS 0 messages over 10,000 topics with plain-number payloads (8 bytes), from the fake
server (no broker in the path). Prints messages a second for each, the recorder's peak RSS and
the bytes on disk per message for each. `--payload mixed` measures a second stream: JSON
temperatures and plain humidities on bench/roomN/sensor/…, so half the messages also write a
point. Use a release build of hearth."""

import argparse
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from replay_server import ReplayServer  # noqa: E402


def timed(command, cwd):
    """Runs `command` under GNU time; returns (seconds, peak RSS in KiB)."""
    start = time.perf_counter()
    result = subprocess.run(["/usr/bin/time", "-f", "%M"] + command, cwd=cwd, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, timeout=900)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"{command[0]} failed: {result.stderr.decode(errors='replace').strip()}")
    return elapsed, int(result.stderr.decode().strip().splitlines()[-1])


def sub_to_file(port, count):
    """`mosquitto_sub -v -t '#'` appending `count` messages to a log, in a folder of its own: (seconds, RSS, bytes)."""
    with tempfile.TemporaryDirectory(prefix="hearth-record-bench-", dir=".") as folder:
        seconds, rss = timed(["sh", "-c", f"mosquitto_sub -p {port} -v -t '#' -C {count} >> log"], folder)
        return seconds, rss, folder_bytes(folder)


def folder_bytes(folder):
    return sum(os.path.getsize(os.path.join(folder, name)) for name in os.listdir(folder))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--hearth", default=".build/release/hearth")
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--topics", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--payload", choices=["8bytes", "mixed"], default="8bytes",
                        help="8-byte plain numbers on bench/deviceN/sensorM (default), or JSON and plain numbers on bench/roomN/sensor/…")
    args = parser.parse_args()

    server = ReplayServer(args.messages, args.topics, payload=args.payload)
    port = str(server.port)
    n = str(args.messages)
    server.stream(True)
    server.stream(False)
    best = {}
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory(prefix="hearth-record-bench-", dir=".") as folder:
            seconds, rss = timed([os.path.abspath(args.hearth), "record", "-p", port, "--store", "home.sqlite", "-C", n], folder)
            size = folder_bytes(folder)
            if "hearth record" not in best or seconds < best["hearth record"][0]:
                best["hearth record"] = (seconds, rss, size)
        seconds, rss, size = sub_to_file(port, n)
        if "mosquitto_sub >> file" not in best or seconds < best["mosquitto_sub >> file"][0]:
            best["mosquitto_sub >> file"] = (seconds, rss, size)

    stream = "8-byte numbers" if args.payload == "8bytes" else "JSON and plain numbers"
    print(f"record: {args.messages:,} QoS 0 messages over {args.topics:,} topics ({stream}) to a file, best of {args.runs}")
    for name, (seconds, rss, size) in best.items():
        print(f"  {name:22} {args.messages / seconds:10,.0f} msgs/s  ({seconds:.2f} s)  {size / args.messages:6.1f} bytes/message on disk"
              + (f"  peak RSS {rss / 1024:.0f} MB" if name.startswith("hearth") else ""))
    ratio = best["mosquitto_sub >> file"][0] / best["hearth record"][0]
    print(f"  ratio hearth record/mosquitto_sub: {ratio:.2f}x (target >= 1.0, issue 25; >= 0.5 before), hearth RSS target < 200 MB")


if __name__ == "__main__":
    main()
