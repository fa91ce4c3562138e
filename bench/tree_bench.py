#!/usr/bin/env python3
"""hearth tree (client + topic model) against mosquitto_sub, and the model's memory per topic.

Ingest: N QoS 0 messages over 100,000 distinct topics (half JSON objects, half plain numbers)
from the replay server, read by `hearth tree -C N` (the whole tree printed, as a user runs it),
by `hearth tree -C N --depth 0` (the summary line only) and by `mosquitto_sub -v -C N > /dev/null`,
best of --runs each. `--payload 8bytes` measures a second stream: 8-byte plain payloads on
bench/deviceN/sensorM (another topic shape).
Memory: peak RSS of `hearth tree -C 1000000 --depth 0` over 1,000,000 distinct topics
(bench/deviceN/sensorM) with an 8-byte payload each, minus the RSS of the same run over 1,000
topics, per topic."""

import argparse
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from replay_server import ReplayServer  # noqa: E402


def run(command):
    """Runs a command to completion; returns (seconds, peak RSS in bytes).

    The peak comes from GNU time, whose child is forked from `time` itself: a child forked from
    this Python process would count the parent's pages in its peak (it survives exec)."""
    start = time.perf_counter()
    result = subprocess.run(["/usr/bin/time", "-f", "%M"] + command, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, timeout=600)
    elapsed = time.perf_counter() - start
    lines = result.stderr.decode(errors="replace").strip().splitlines()
    if result.returncode != 0:
        sys.exit(f"{command[0]} failed: {' '.join(lines)}")
    return elapsed, int(lines[-1]) * 1024


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--hearth", default=".build/release/hearth")
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--memory-topics", type=int, default=1_000_000)
    parser.add_argument("--payload", choices=["mixed", "8bytes"], default="mixed",
                        help="the ingest stream: JSON and plain numbers on bench/roomN/sensor/*, or a second stream "
                             "of 8-byte plain payloads on bench/deviceN/sensorM")
    parser.add_argument("--no-memory", action="store_true", help="measure ingest only")
    args = parser.parse_args()

    server = ReplayServer(args.messages, 100_000, payload=args.payload)
    port, n = str(server.port), str(args.messages)
    server.stream(True)
    server.stream(False)
    clients = {
        "hearth tree": [args.hearth, "tree", "-p", port, "-C", n],
        "hearth tree --depth 0": [args.hearth, "tree", "-p", port, "-C", n, "--depth", "0"],
        "mosquitto_sub -v": ["mosquitto_sub", "-p", port, "-t", "#", "-v", "-C", n],
    }
    best = {name: float("inf") for name in clients}
    for _ in range(args.runs):
        for name, command in clients.items():
            best[name] = min(best[name], run(command)[0])
    stream = "JSON and plain numbers" if args.payload == "mixed" else "8-byte plain payloads, bench/deviceN/sensorM"
    print(f"ingest: {args.messages:,} QoS 0 messages over 100,000 topics ({stream}), best of {args.runs}")
    for name, seconds in best.items():
        print(f"  {name:22} {args.messages / seconds:12,.0f} msgs/s  ({seconds:.3f} s)")
    sub = best["mosquitto_sub -v"]
    print(f"  ratio hearth tree (printed)/mosquitto_sub: {sub / best['hearth tree']:.2f}x (target >= 2.0)")
    print(f"  ratio hearth tree --depth 0/mosquitto_sub: {sub / best['hearth tree --depth 0']:.2f}x")
    if args.no_memory:
        return

    def peak(topics):
        replay = ReplayServer(topics, topics, payload="8bytes")
        replay.stream(True)
        return run([args.hearth, "tree", "-p", str(replay.port), "-C", str(topics), "--depth", "0"])[1]

    small, big = peak(1_000), peak(args.memory_topics)
    per_topic = (big - small) / (args.memory_topics - 1_000)
    print(f"memory: {args.memory_topics:,} topics with one 8-byte payload each")
    print(f"  peak RSS {big / 1e6:,.0f} MB (target < 400 MB), against {small / 1e6:,.0f} MB for 1,000 topics: "
          f"{per_topic:,.0f} bytes per topic, the process's growth (the model alone: hearth-model-bench)")


if __name__ == "__main__":
    main()
