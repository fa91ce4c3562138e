#!/usr/bin/env python3
"""hearth record into PostgreSQL against `mosquitto_sub -v -t '#' >> file`, one recorder and two.

The stream is record_bench.py's: 1,000,000 QoS 0 messages over 10,000 topics with plain-number
payloads, from the fake server. The database is a throwaway cluster with fsync on. Prints
messages a second, the bytes each message takes in the database, and the ratios. Then two
recorders (two servers, two brokers' names) write into one database at once, each against its
own mosquitto_sub measured alone. Use a release build of hearth."""

import argparse
import os
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import postgres  # noqa: E402
from record_bench import sub_to_file, timed  # noqa: E402
from replay_server import ReplayServer  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--hearth", default=".build/release/hearth")
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--topics", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--payload", default="8bytes", help="the stream's payloads: 8bytes (default), json or mixed (replay_server.py)")
    args = parser.parse_args()
    hearth = os.path.abspath(args.hearth)
    n = str(args.messages)
    servers = [ReplayServer(args.messages, args.topics, payload=args.payload) for _ in range(2)]
    for server in servers:
        server.stream(True)
        server.stream(False)

    def mosquitto_sub(server):
        return sub_to_file(server.port, n)[0]

    with postgres.cluster() as admin:
        best_record, best_sub, per_message = float("inf"), float("inf"), 0.0
        for run in range(args.runs):
            url = postgres.database(admin, f"one_{run}")
            empty = postgres.size(url)
            seconds, rss = timed([hearth, "record", "-p", str(servers[0].port), "--store", url, "-C", n], ".")
            if seconds < best_record:
                best_record, record_rss = seconds, rss
                per_message = (postgres.size(url) - empty) / args.messages
            best_sub = min(best_sub, mosquitto_sub(servers[0]))

        # Two at once, into one database; each against its own mosquitto_sub alone.
        alone = [min(mosquitto_sub(server) for _ in range(args.runs)) for server in servers]
        best_two = [float("inf"), float("inf")]
        for run in range(args.runs):
            url = postgres.database(admin, f"two_{run}")
            results = [None, None]

            def record(index):
                results[index] = timed([hearth, "record", "-p", str(servers[index].port), "--store", url, "-C", n], ".")[0]

            threads = [threading.Thread(target=record, args=(index,)) for index in range(2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            best_two = [min(best, result) for best, result in zip(best_two, results)]
            stored = int(postgres.psql(url, "SELECT count(*) FROM message"))
            if stored != 2 * args.messages:
                sys.exit(f"two recorders stored {stored:,} of {2 * args.messages:,} messages")

    print(f"record into PostgreSQL 15 (fsync on): {args.messages:,} QoS 0 messages over {args.topics:,} topics ({args.payload} payloads), best of {args.runs}")
    print(f"  hearth record --store postgres://  {args.messages / best_record:10,.0f} msgs/s  ({best_record:.2f} s)  "
          f"{per_message:6.1f} bytes/message in the database  peak RSS {record_rss / 1024:.0f} MB")
    print(f"  mosquitto_sub >> file              {args.messages / best_sub:10,.0f} msgs/s  ({best_sub:.2f} s)")
    print(f"  ratio hearth record (PostgreSQL)/mosquitto_sub: {best_sub / best_record:.2f}x (target >= 1.0)")
    for index in range(2):
        print(f"  two recorders into one database, recorder {index + 1}: {args.messages / best_two[index]:,.0f} msgs/s, "
              f"{alone[index] / best_two[index]:.2f}x its own mosquitto_sub (target >= 0.5)")


if __name__ == "__main__":
    main()
