#!/usr/bin/env python3
"""Time to the dashboard's first frame at 120x40, with and without a history store.

The store holds 24 hours of 500 plain-number sensors at one reading every 10 s (4.3 million
messages, written by hearth-store-fill as `hearth record` writes them). The broker is an empty
mosquitto, so everything on screen comes from the store. Measured from launch until the screen
(read through tmux every 5 ms) shows the first frame: with the store, a frame whose sparklines
show the recorded past; without, the first frame at all. Then `hearth history` of one sensor's
24 hours, from the process's start to its exit. With --postgres the store is a PostgreSQL
database (a throwaway cluster, fsync on). Use release builds."""

import argparse
import contextlib
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import brokers  # noqa: E402
import postgres  # noqa: E402

COLS, ROWS = 120, 40
SPARKS = set("▁▂▃▄▅▆▇█")


def time_until(command, shown, session):
    """Seconds from starting `command` in a 120x40 tmux until `shown(screen)` holds."""
    start = time.perf_counter()
    subprocess.run(["tmux", "-L", session, "new-session", "-d", "-x", str(COLS), "-y", str(ROWS), command], check=True)
    try:
        while time.perf_counter() - start < 30:
            screen = subprocess.run(["tmux", "-L", session, "capture-pane", "-p"], capture_output=True, text=True).stdout
            if shown(screen):
                return time.perf_counter() - start, screen
            time.sleep(0.005)
        sys.exit(f"the screen never showed what was awaited:\n{screen}")
    finally:
        subprocess.run(["tmux", "-L", session, "kill-server"])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--hearth", default=".build/release/hearth")
    parser.add_argument("--fill", default=".build/release/hearth-store-fill")
    parser.add_argument("--topics", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--postgres", action="store_true", help="the store in PostgreSQL rather than a file")
    args = parser.parse_args()
    with contextlib.ExitStack() as stack:
        admin = stack.enter_context(postgres.cluster()) if args.postgres else None
        folder = stack.enter_context(tempfile.TemporaryDirectory(prefix="hearth-first-frame-", dir="."))
        port = stack.enter_context(brokers.running("mosquitto"))
        measure(args, admin, folder, port)


def measure(args, admin, folder, port):
    hearth = os.path.abspath(args.hearth)
    # The dashboard names the broker by -p: the filler records the past under that name.
    broker = f"localhost:{port}"
    store = postgres.database(admin, "home") if admin else os.path.join(folder, "home.sqlite")
    start = time.perf_counter()
    subprocess.run([os.path.abspath(args.fill), store, broker, str(args.topics), "24", "10"], check=True, stdout=subprocess.DEVNULL)
    filled = time.perf_counter() - start
    if admin:
        size = postgres.size(store)
        where = "PostgreSQL"
    else:
        # The file and its write-ahead log, if the filler left one.
        size = sum(os.path.getsize(os.path.join(folder, name)) for name in os.listdir(folder) if name.startswith("home.sqlite"))
        where = "a file"
    best_store, best_none, best_history = float("inf"), float("inf"), float("inf")
    for run in range(args.runs):
        session = f"hearth-first-frame-{os.getpid()}-{run}"
        # A frame with the recorded past: the overview's sparklines (one per sensor row).
        seconds, screen = time_until(f"{hearth} -p {port} --store {store}",
                                     lambda screen: sum(1 for line in screen.splitlines() if SPARKS & set(line)) >= 10,
                                     session)
        best_store = min(best_store, seconds)
        seconds, _ = time_until(f"{hearth} -p {port} --store {os.path.join(folder, 'none.sqlite')}",
                                lambda screen: "connected" in screen, session + "-none")
        best_none = min(best_none, seconds)
        start = time.perf_counter()
        printed = subprocess.run([hearth, "history", "home/room0/sensor0/temperature", "-p", str(port), "--store", store],
                                 check=True, capture_output=True, text=True).stdout
        best_history = min(best_history, time.perf_counter() - start)
        if len(printed.splitlines()) < 8_000:
            sys.exit(f"hearth history printed {len(printed.splitlines())} lines, not a day of readings")
    print(f"time to the first frame ({COLS}x{ROWS}), best of {args.runs}: a store in {where} of 24 h of {args.topics} sensors every 10 s "
          f"({args.topics * 8640:,} messages, {size / 1e6:.0f} MB, filled in {filled:.0f} s)")
    print(f"  with the store:    {best_store * 1000:6.0f} ms (target < 500 ms), its sparklines on screen")
    print(f"  without a store:   {best_none * 1000:6.0f} ms (target < 150 ms)")
    print(f"  hearth history, 24 h of one sensor: {best_history * 1000:6.0f} ms from start to exit (target <= 100 ms)")


if __name__ == "__main__":
    main()
