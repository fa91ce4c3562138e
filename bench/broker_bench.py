#!/usr/bin/env python3
"""The embedded broker (`hearth broker`) against mosquitto, in the same run.

A raw publisher sends N QoS 0 messages over 1,000 topics as fast as the broker takes them, and
`hearth sub -t '#' -C N` receives them through each broker in turn: the time from the first
message sent to the last received. Best of --runs. The subscriber is hearth sub because it reads
faster than either broker sends: with a slower one (mosquitto_sub) the backlog would grow past the
embedded broker's per-client bound (1 MiB), and QoS 0 messages would be dropped by design."""

import argparse
import os
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import brokers  # noqa: E402
from replay_server import encode_publish, make_stream, publish_to  # noqa: E402


def through(hearth, port, messages, stream):
    # A retained "ready" first: once hearth sub prints it, its subscription is in place.
    publish_to(port, encode_publish(b"ready", b"ready", False, retain=True))
    sub = subprocess.Popen([hearth, "sub", "-p", str(port), "-t", "#", "-C", str(messages + 1), "-V", "mqttv311"],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    sub.stdout.readline()
    # Keep reading the output, or the pipe fills and blocks hearth.
    threading.Thread(target=lambda: [None for _ in sub.stdout], daemon=True).start()
    start = time.perf_counter()
    threading.Thread(target=publish_to, args=(port, stream), daemon=True).start()
    if sub.wait(timeout=120) != 0:
        sys.exit("hearth sub failed")
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--hearth", default=".build/release/hearth")
    parser.add_argument("--messages", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    stream = make_stream(args.messages, 1_000, False)
    best = {}
    for name, kind in (("mosquitto", "mosquitto"), ("hearth broker", "hearth")):
        with brokers.running(kind, args.hearth) as port:
            best[name] = min(through(args.hearth, port, args.messages, stream) for _ in range(args.runs))
    print(f"broker: {args.messages:,} QoS 0 messages over 1,000 topics, one publisher to hearth sub -t '#', best of {args.runs}")
    for name, seconds in best.items():
        print(f"  {name:14} {args.messages / seconds:12,.0f} msgs/s  ({seconds:.3f} s)")
    print(f"  ratio hearth broker/mosquitto: {best['mosquitto'] / best['hearth broker']:.2f}x (no target: the broker is for the demo and tests)")


if __name__ == "__main__":
    main()
