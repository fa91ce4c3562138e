#!/usr/bin/env python3
"""The dashboard on a quiet broker: what ticking ages cost, in terminal bytes and CPU.

mosquitto holds one retained topic and nothing else arrives. `hearth` runs in a 120x40 pty for a
30 s window after the first screen and the falling message rate have settled:
- one age visible (the topic selected: the detail pane's "(N s ago)" moves every second):
  bytes/s written to the terminal (target <= 150) and CPU (target < 1% of a core);
- no age or countdown visible (the first screen, the overview, whose ages read "<1m" all along):
  bytes/s (target 0).
CPU is utime + stime from /proc/PID/stat, which is what the process reads as /proc/self/stat."""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import brokers  # noqa: E402
from dashboard_bench import run_in_pty  # noqa: E402
from replay_server import encode_publish, publish_to  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime


def quiet_run(hearth, port, settle, window, keys=b""):
    """Runs the dashboard, typing `keys` once its first screen is up (2 s in); returns
    (bytes/s, share of a core) over `window` seconds after `settle`."""
    marks = {}
    written = []

    def on_output(chunk, elapsed, write):
        written.append((elapsed, len(chunk)))

    def on_tick(elapsed, pid, write):
        if keys and "keys" not in marks and elapsed >= 2:
            marks["keys"] = True
            write(keys)
        if "start" not in marks and elapsed >= settle:
            marks["start"] = (elapsed, cpu_seconds(pid))
        elif "start" in marks and "end" not in marks and elapsed >= settle + window:
            marks["end"] = (elapsed, cpu_seconds(pid))
            write(b"q")

    run_in_pty([hearth, "-p", str(port)], on_output, timeout=settle + window + 30, on_tick=on_tick)
    (start, cpu_start), (end, cpu_end) = marks["start"], marks["end"]
    total = sum(size for at, size in written if start <= at <= end)
    return total / (end - start), (cpu_end - cpu_start) / (end - start)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--hearth", default=".build/release/hearth")
    parser.add_argument("--seconds", type=int, default=30)
    args = parser.parse_args()
    hearth = os.path.abspath(args.hearth)
    print(f"a quiet broker (one retained topic, nothing else arriving), {args.seconds} s window")
    # The rate in the header falls to zero within 10 s of the retained burst: settle past it.
    with brokers.running("mosquitto") as port:
        publish_to(port, encode_publish(b"hall_temperature", b"21.5", False, retain=True))
        # The first screen is the overview (nothing selected): `j` selects the topic.
        rate, cpu = quiet_run(hearth, port, 12, args.seconds, keys=b"j")
        print(f"  one age visible (topic selected): {rate:,.0f} bytes/s (target <= 150), "
              f"CPU {cpu * 100:.2f}% of a core (target < 1%)")
    with brokers.running("mosquitto") as port:
        publish_to(port, encode_publish(b"home/hall/temperature", b"21.5", False, retain=True))
        rate, cpu = quiet_run(hearth, port, 12, args.seconds)
        print(f"  no age or countdown visible (the overview): {rate:,.0f} bytes/s (target 0), "
              f"CPU {cpu * 100:.2f}% of a core")


if __name__ == "__main__":
    main()
