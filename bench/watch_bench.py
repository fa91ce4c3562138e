#!/usr/bin/env python3
"""hearth watch at a steady home's scale: 10,000 topics, 100 rules, 1,000 messages a second.

mosquitto carries the stream; a publisher sends each of 10,000 topics (100 rooms of 100 sensors)
every 10 s, 100 messages each 100 ms. `hearth watch` watches them with 100 rules (one per room,
cycling silent, stale, above, below and equals; none fires on the steady stream), and
`mosquitto_sub -t 'home/#' > /dev/null` receives the same stream as the peer. After a warm-up
pass over every topic, it prints each one's CPU over the window (utime + stime from
/proc/PID/stat) as a share of one core, their ratio, and hearth's resident memory at the end and
at its peak (VmRSS, VmHWM). Targets: < 2% of a core and < 60 MB. Use a release build of hearth."""

import argparse
import os
import socket
import struct
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import brokers  # noqa: E402
from replay_server import _varint, encode_publish  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")
CONDITIONS = ['silent = "10m"', "stale = true", "above = 40", "below = -10", 'equals = "open"']


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime


def memory_kib(pid, field):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def config(port, rooms):
    rules = "".join(f'\n[[rules]]\nname = "room {room}"\ntopic = "home/room{room:03d}/+"\n{CONDITIONS[room % len(CONDITIONS)]}\n'
                    for room in range(rooms))
    return f'default = "bench"\n[profiles.bench]\nhost = "127.0.0.1"\nport = {port}\n' + rules


class Publisher:
    """One MQTT 3.1.1 connection that sends a batch of the stream on each call, in topic order."""

    def __init__(self, port, rooms, sensors):
        self.sock = socket.create_connection(("127.0.0.1", port))
        body = b"\x00\x04MQTT\x04\x02\x00\x3c" + struct.pack("!H", 15) + b"hearth-watch-pb"
        self.sock.sendall(b"\x10" + _varint(len(body)) + body)
        self.sock.recv(4)
        self.topics = [f"home/room{room:03d}/sensor{sensor:03d}".encode() for room in range(rooms) for sensor in range(sensors)]
        self.next = 0
        self.sent = 0

    def send(self, count):
        packets = []
        for _ in range(count):
            value = 20 + (self.sent % 7) / 10
            packets.append(encode_publish(self.topics[self.next], f"{value:.1f}".encode(), False))
            self.next = (self.next + 1) % len(self.topics)
            self.sent += 1
        self.sock.sendall(b"".join(packets))

    def close(self):
        self.sock.sendall(b"\xe0\x00")
        self.sock.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--hearth", default=".build/release/hearth")
    parser.add_argument("--rate", type=int, default=1000, help="messages a second")
    parser.add_argument("--seconds", type=int, default=30, help="the measured window, after a pass over every topic")
    args = parser.parse_args()
    rooms, sensors = 100, 100
    hearth = os.path.abspath(args.hearth)
    with brokers.running("mosquitto") as port, tempfile.TemporaryDirectory(prefix="hearth-watch-bench-") as folder:
        os.makedirs(f"{folder}/config/hearth")
        with open(f"{folder}/config/hearth/config.toml", "w") as out:
            out.write(config(port, rooms))
        environment = dict(os.environ, XDG_CONFIG_HOME=f"{folder}/config", XDG_STATE_HOME=f"{folder}/state")
        watch = subprocess.Popen([hearth, "watch"], env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        peer = subprocess.Popen(["mosquitto_sub", "-p", str(port), "-t", "home/#"], stdout=subprocess.DEVNULL)
        # Connected and subscribed: its line follows the subscription.
        while b"connected to" not in watch.stderr.readline():
            if watch.poll() is not None:
                sys.exit("hearth watch ended: " + watch.stderr.read().decode(errors="replace"))
        publisher = Publisher(port, rooms, sensors)
        step = 0.1
        per_step = args.rate // 10
        warmup = rooms * sensors / args.rate
        start = time.monotonic()
        marks = {}
        while True:
            elapsed = time.monotonic() - start
            if "start" not in marks and elapsed >= warmup:
                marks["start"] = (elapsed, cpu_seconds(watch.pid), cpu_seconds(peer.pid), publisher.sent)
            if elapsed >= warmup + args.seconds:
                marks["end"] = (elapsed, cpu_seconds(watch.pid), cpu_seconds(peer.pid), publisher.sent)
                break
            publisher.send(per_step)
            time.sleep(max(0, start + (publisher.sent / per_step) * step - time.monotonic()))
        rss, peak = memory_kib(watch.pid, "VmRSS"), memory_kib(watch.pid, "VmHWM")
        publisher.close()
        watch.terminate()
        out, _ = watch.communicate(timeout=30)
        peer.terminate()
        peer.wait()
        (t0, w0, p0, n0), (t1, w1, p1, n1) = marks["start"], marks["end"]
        seconds = t1 - t0
        watch_share, peer_share = (w1 - w0) / seconds, (p1 - p0) / seconds
        events = len(out.splitlines())
        print(f"watch: {rooms * sensors:,} topics, {rooms} rules, {(n1 - n0) / seconds:,.0f} msgs/s over {seconds:.0f} s "
              f"(after a {warmup:.0f} s pass over every topic)")
        print(f"  hearth watch     CPU {watch_share * 100:5.2f}% of a core (target < 2%), RSS {rss / 1024:.1f} MB, "
              f"peak {peak / 1024:.1f} MB (target < 60 MB), {events} events")
        print(f"  mosquitto_sub    CPU {peer_share * 100:5.2f}% of a core (the same stream to /dev/null)")
        print(f"  ratio            {watch_share / peer_share:.2f}x mosquitto_sub's CPU" if peer_share > 0 else "  ratio            n/a")


if __name__ == "__main__":
    main()
