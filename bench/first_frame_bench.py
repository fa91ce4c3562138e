#!/usr/bin/env python3
"""Time to the dashboard's first frame at 120x40, with and without a history store.

The store holds 24 hours of 500 plain-number sensors at one reading every 10 s (4.3 million
messages, written by hearth-store-fill as `hearth record` writes them). The broker is an empty
mosquitto, so everything on screen comes from the store. Measured from launch until the screen
(read through tmux every 5 ms) shows the first frame: with the store, a frame whose sparklines
show the recorded past; without, the first frame at all. Use release builds."""

import argparse
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import brokers  # noqa: E402

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
    args = parser.parse_args()
    hearth = os.path.abspath(args.hearth)
    with tempfile.TemporaryDirectory(prefix="hearth-first-frame-", dir=".") as folder:
        store = os.path.join(folder, "home.sqlite")
        start = time.perf_counter()
        subprocess.run([os.path.abspath(args.fill), store, str(args.topics), "24", "10"], check=True, stdout=subprocess.DEVNULL)
        filled = time.perf_counter() - start
        # The file and its write-ahead log, if the filler left one.
        size = sum(os.path.getsize(os.path.join(folder, name)) for name in os.listdir(folder) if name.startswith("home.sqlite"))
        with brokers.running("mosquitto") as port:
            best_store, best_none = float("inf"), float("inf")
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
    print(f"time to the first frame ({COLS}x{ROWS}), best of {args.runs}: a store of 24 h of {args.topics} sensors every 10 s "
          f"({args.topics * 8640:,} messages, {size / 1e6:.0f} MB, filled in {filled:.0f} s)")
    print(f"  with the store:    {best_store * 1000:6.0f} ms (target < 500 ms), its sparklines on screen")
    print(f"  without a store:   {best_none * 1000:6.0f} ms (target < 150 ms)")


if __name__ == "__main__":
    main()
