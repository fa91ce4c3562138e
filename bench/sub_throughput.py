#!/usr/bin/env python3
"""hearth sub vs mosquitto_sub on the same replayed stream of QoS 0 messages over 1,000 topics.

Both read N messages, print them with -v to /dev/null and exit (-C N). Each client runs
`--runs` times, alternating; the best run of each is compared. Use a release build of hearth."""

import argparse
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from replay_server import ReplayServer  # noqa: E402


def timed(command):
    start = time.perf_counter()
    result = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=600)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"{command[0]} failed: {result.stderr.decode(errors='replace').strip()}")
    return elapsed


def best_times(clients, runs):
    """Runs each client's command `runs` times, alternating; the best time of each, by name."""
    best = {name: float("inf") for name in clients}
    for _ in range(runs):
        for name, command in clients.items():
            best[name] = min(best[name], timed(command))
    return best


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--hearth", default=".build/release/hearth")
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--topics", type=int, default=1_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    server = ReplayServer(args.messages, args.topics)
    port = str(server.port)
    n = str(args.messages)
    clients = {
        "hearth sub": [args.hearth, "sub", "-p", port, "-t", "#", "-v", "-C", n],
        "mosquitto_sub": ["mosquitto_sub", "-p", port, "-t", "#", "-v", "-C", n],
    }
    # Encode both streams before timing anything.
    server.stream(True)
    server.stream(False)
    best = best_times(clients, args.runs)

    print(f"sub throughput: {args.messages:,} QoS 0 messages over {args.topics:,} topics, best of {args.runs}")
    for name, seconds in best.items():
        print(f"  {name:14} {args.messages / seconds:12,.0f} msgs/s  ({seconds:.3f} s)")
    ratio = best["mosquitto_sub"] / best["hearth sub"]
    print(f"  ratio hearth/mosquitto_sub: {ratio:.2f}x (target >= 1.0)")


if __name__ == "__main__":
    main()
