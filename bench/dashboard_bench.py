#!/usr/bin/env python3
"""The dashboard (`hearth` with no subcommand) in a pseudo-terminal of 120x40.

- Ingest while the UI runs: 1,000,000 QoS 0 messages over 1,000 topics from the replay server at
  full speed, against `mosquitto_sub -v` in the same run; a key pressed mid-stream must be answered.
- Terminal bytes per second for a steady smart home: 50 topics, each updated once a second.
- Time to show retained values: a mosquitto holding 10,000 retained topics, from start until the
  header counts all of them (the screen read through tmux), against mosquitto_sub receiving them.
- Two brokers on one screen: two replay servers each stream 1,000,000 QoS 0 messages over 1,000
  topics at the same time, into one dashboard (`-L` twice), against two `mosquitto_sub -v`
  processes reading the same two streams at the same time."""

import argparse
import fcntl
import os
import pty
import select
import struct
import subprocess
import sys
import termios
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import brokers  # noqa: E402
from replay_server import ReplayServer, encode_publish, publish_to  # noqa: E402

ROWS, COLS = 40, 120


def run_in_pty(command, on_output=None, timeout=600, on_tick=None):
    """Runs `command` in a 120x40 pty until it exits; returns (seconds, bytes written to the terminal).

    `on_output(chunk, elapsed, write)` sees everything written, and may type keys with `write`;
    `on_tick(elapsed, pid, write)` is called at least every half second, output or not."""
    pid, fd = pty.fork()
    if pid == 0:
        os.environ["TERM"] = "xterm-256color"
        os.execvp(command[0], command)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
    start = time.perf_counter()
    total = 0
    while True:
        ready, _, _ = select.select([fd], [], [], 0.5)
        elapsed = time.perf_counter() - start
        if elapsed > timeout:
            os.kill(pid, 9)
        if on_tick:
            on_tick(elapsed, pid, lambda data: os.write(fd, data))
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            total += len(chunk)
            if on_output:
                on_output(chunk, elapsed, lambda data: os.write(fd, data))
    _, status = os.waitpid(pid, 0)
    elapsed = time.perf_counter() - start
    os.close(fd)
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{command[0]} failed with status {os.waitstatus_to_exitcode(status)}")
    return elapsed, total


def ingest(hearth, messages, runs):
    server = ReplayServer(messages, 1_000)
    server.stream(True)
    server.stream(False)
    port = str(server.port)
    best_hearth, best_sub, answers = float("inf"), float("inf"), []
    for _ in range(runs):
        pressed = {"after": b""}

        def watch(chunk, elapsed, write):
            # Press "?" 0.3 s in; the help overlay's text on screen shows the key was answered.
            if "at" not in pressed and elapsed > 0.3:
                pressed["at"] = elapsed
                write(b"?")
            elif "at" in pressed and "answered" not in pressed:
                pressed["after"] += chunk
                if b"PgUp" in pressed["after"]:
                    pressed["answered"] = elapsed

        seconds, _ = run_in_pty([hearth, "-p", port, "--exit-after", str(messages)], watch)
        best_hearth = min(best_hearth, seconds)
        if "answered" in pressed:
            answers.append(pressed["answered"] - pressed["at"])
        start = time.perf_counter()
        subprocess.run(["mosquitto_sub", "-p", port, "-t", "#", "-v", "-C", str(messages)], stdout=subprocess.DEVNULL, check=True)
        best_sub = min(best_sub, time.perf_counter() - start)
    print(f"ingest while the UI runs (pty {COLS}x{ROWS}): {messages:,} QoS 0 messages over 1,000 topics, best of {runs}")
    print(f"  hearth (dashboard) {messages / best_hearth:12,.0f} msgs/s  ({best_hearth:.3f} s)")
    print(f"  mosquitto_sub -v   {messages / best_sub:12,.0f} msgs/s  ({best_sub:.3f} s)")
    print(f"  ratio dashboard/mosquitto_sub: {best_sub / best_hearth:.2f}x (target >= 1.0)")
    if answers:
        print(f"  a key pressed mid-stream was answered in {max(answers) * 1000:.0f} ms (worst of {len(answers)})")
    else:
        print("  a key pressed mid-stream was NOT answered before the stream ended")


def two_brokers(hearth, messages, runs, payload="json"):
    servers = [ReplayServer(messages, 1_000, payload) for _ in range(2)]
    for server in servers:
        server.stream(True)
        server.stream(False)
    urls = [f"mqtt://127.0.0.1:{server.port}" for server in servers]
    best_hearth, best_subs = float("inf"), float("inf")
    for _ in range(runs):
        seconds, _ = run_in_pty([hearth, "-L", urls[0], "-L", urls[1], "--exit-after", str(2 * messages)])
        best_hearth = min(best_hearth, seconds)
        start = time.perf_counter()
        subs = [subprocess.Popen(["mosquitto_sub", "-p", str(server.port), "-t", "#", "-v", "-C", str(messages)],
                                 stdout=subprocess.DEVNULL) for server in servers]
        for sub in subs:
            if sub.wait() != 0:
                sys.exit("mosquitto_sub failed")
        best_subs = min(best_subs, time.perf_counter() - start)
    total = 2 * messages
    print(f"two brokers on one screen (pty {COLS}x{ROWS}): {messages:,} QoS 0 messages ({payload}) over 1,000 topics from each "
          f"of two servers at the same time, best of {runs}")
    print(f"  hearth (dashboard, -L twice)  {total / best_hearth:12,.0f} msgs/s  ({best_hearth:.3f} s)")
    print(f"  two mosquitto_sub -v          {total / best_subs:12,.0f} msgs/s  ({best_subs:.3f} s)")
    print(f"  ratio dashboard/two mosquitto_sub: {best_subs / best_hearth:.2f}x (target >= 1.0)")


class PacedServer(ReplayServer):
    """50 topics (10 rooms of 5 sensors), each updated once a second with a drifting value."""

    def __init__(self, topics, seconds):
        super().__init__(0, topics)
        self.seconds = seconds

    def replay(self, conn, v5):
        def send():
            try:
                for tick in range(self.seconds):
                    for index in range(self.topics):
                        value = 20 + ((tick + index) % 40) / 10
                        payload = b'{"temperature":%.1f,"humidity":%d}' % (value, 40 + index % 20)
                        topic = b"home/room%d/sensor%d" % (index // 5, index % 5)
                        conn.sendall(encode_publish(topic, payload, v5))
                        time.sleep(1 / self.topics)
            except OSError:
                pass
        threading.Thread(target=send, daemon=True).start()


def terminal_bytes(hearth, seconds):
    server = PacedServer(50, seconds + 5)
    counts = []
    quit_sent = []

    def watch(chunk, elapsed, write):
        counts.append((elapsed, len(chunk)))
        if elapsed > seconds + 3 and not quit_sent:
            quit_sent.append(True)
            write(b"q")

    run_in_pty([hearth, "-p", str(server.port)], watch)
    # The first 3 s draw the first screen; the steady state is what is left until "q".
    steady = sum(size for at, size in counts if 3 <= at <= 3 + seconds)
    print(f"terminal output for a steady home (50 topics, each once a second, {COLS}x{ROWS}), over {seconds} s")
    print(f"  {steady / seconds:,.0f} bytes/s (target <= 2,048)")


def seed_retained(port, count):
    """Publishes `count` retained messages (device shape), and returns once the broker has them."""
    publish_to(port, b"".join(encode_publish(b"home/device%d/sensor%d" % (index // 10, index % 10), b"%d" % (20 + index % 10),
                                             False, retain=True) for index in range(count)))


def retained_time(hearth, count, runs):
    with brokers.running("mosquitto") as port:
        seed_retained(port, count)
        best, best_sub, best_hearth_sub = float("inf"), float("inf"), float("inf")
        expected = f"{count:,} topics"
        for run in range(runs):
            session = f"hearth-bench-{os.getpid()}-{run}"
            # The tmux server is started first, so its own start (about 15 ms) is not counted:
            # the clock runs from the command that starts hearth in its pane.
            subprocess.run(["tmux", "-L", session, "new-session", "-d", "-x", str(COLS), "-y", str(ROWS), "sleep 60"], check=True)
            start = time.perf_counter()
            subprocess.run(["tmux", "-L", session, "respawn-pane", "-k", f"{hearth} -p {port}"], check=True)
            seen = None
            while time.perf_counter() - start < 30:
                screen = subprocess.run(["tmux", "-L", session, "capture-pane", "-p"], capture_output=True, text=True).stdout
                header = screen.splitlines()[:1]
                if header and expected in header[0]:
                    seen = time.perf_counter() - start
                    break
                time.sleep(0.005)
            subprocess.run(["tmux", "-L", session, "kill-server"])
            if seen is None:
                sys.exit(f"the header never showed {expected}")
            best = min(best, seen)
            start = time.perf_counter()
            subprocess.run(["mosquitto_sub", "-p", str(port), "-t", "#", "-C", str(count)], stdout=subprocess.DEVNULL, check=True)
            best_sub = min(best_sub, time.perf_counter() - start)
            start = time.perf_counter()
            subprocess.run([hearth, "sub", "-p", str(port), "-t", "#", "-C", str(count)], stdout=subprocess.DEVNULL, check=True)
            best_hearth_sub = min(best_hearth_sub, time.perf_counter() - start)
        print(f"time to show retained values: {count:,} retained topics on mosquitto, best of {runs}")
        print(f"  hearth: the header counts all {count:,} after {best * 1000:.0f} ms, "
              f"{best / best_sub:.2f}x mosquitto_sub (target <= 1.5x)")
        print(f"  mosquitto_sub receives all {count:,} in {best_sub * 1000:.0f} ms; hearth sub in {best_hearth_sub * 1000:.0f} ms")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--hearth", default=".build/release/hearth")
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--only", choices=["ingest", "two-brokers", "terminal", "retained"], help="run one measurement")
    parser.add_argument("--payload", choices=["json", "8bytes", "mixed"], default="json", help="the two brokers' stream")
    args = parser.parse_args()
    hearth = os.path.abspath(args.hearth)
    if args.only == "two-brokers":
        return two_brokers(hearth, args.messages, args.runs, args.payload)
    if args.only == "ingest":
        return ingest(hearth, args.messages, args.runs)
    if args.only == "terminal":
        return terminal_bytes(hearth, args.seconds)
    if args.only == "retained":
        return retained_time(hearth, 10_000, args.runs)
    ingest(hearth, args.messages, args.runs)
    two_brokers(hearth, args.messages, args.runs)
    terminal_bytes(hearth, args.seconds)
    retained_time(hearth, 10_000, args.runs)


if __name__ == "__main__":
    main()
