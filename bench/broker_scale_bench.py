#!/usr/bin/env python3
"""The embedded broker (`hearth broker`) at scale, against mosquitto in the same run.

- A large SUBSCRIBE: 10,000 retained topics, then one SUBSCRIBE of 5,000 filters (2,500 that
  match one topic each, and 2,500 `home/deviceN/+` that match ten, some of them repeated:
  27,500 retained messages to send). The time to its SUBACK and to the last retained message, and the worst
  round trip (PINGREQ to PINGRESP) another client saw meanwhile.
- Fan-out: one publisher, 10 `hearth sub` subscribers on '#', QoS 0: messages delivered a second,
  and the share delivered (QoS 0 may be dropped for a subscriber that falls behind).
- Fan-in: 10 publishers at once, one `hearth sub` on '#': messages taken in a second (until each
  publisher's PINGRESP), and the share the one subscriber got.
Targets: within 2x of mosquitto on each. Use a release build of hearth."""

import argparse
import os
import socket
import struct
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import brokers  # noqa: E402
from replay_server import _read_packet, _varint, encode_publish, publish_to  # noqa: E402


def connect(port, client_id):
    """A raw MQTT 3.1.1 connection, past its CONNACK."""
    sock = socket.create_connection(("127.0.0.1", port))
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    client = client_id.encode()
    body = b"\x00\x04MQTT\x04\x02\x00\x3c" + struct.pack("!H", len(client)) + client
    sock.sendall(b"\x10" + _varint(len(body)) + body)
    kind, _ = _read_packet(sock)
    assert kind == 0x20, "no CONNACK"
    return sock


def subscribe_packet(packet_id, filters):
    body = struct.pack("!H", packet_id) + b"".join(struct.pack("!H", len(f)) + f + b"\x00" for f in filters)
    return b"\x82" + _varint(len(body)) + body


def large_subscribe(port):
    retained = b"".join(encode_publish(b"home/device%d/sensor%d" % (d, s), b"21.5", False, retain=True)
                        for d in range(1_000) for s in range(10))
    publish_to(port, retained)
    other = connect(port, "bench-other")
    large = connect(port, "bench-large")
    worst = [0.0]
    stop = threading.Event()

    def ping():
        while not stop.is_set():
            start = time.perf_counter()
            other.sendall(b"\xc0\x00")
            kind, _ = _read_packet(other)
            assert kind == 0xD0
            worst[0] = max(worst[0], time.perf_counter() - start)

    pinger = threading.Thread(target=ping)
    pinger.start()
    filters = [b"home/device%d/sensor%d" % (i % 1_000, i // 1_000 * 2 + s) for i in range(2_500) for s in range(2)]
    filters = [b"home/device%d/+" % (i % 1_000) if i >= 2_500 else f for i, f in enumerate(filters)]
    start = time.perf_counter()
    large.sendall(subscribe_packet(1, filters))
    suback = None
    publishes = 0
    expected = 2_500 + 2_500 * 10
    while publishes < expected:
        kind, _ = _read_packet(large)
        if kind is None:
            sys.exit("the broker closed the large subscriber")
        if kind == 0x90:
            suback = time.perf_counter() - start
        elif kind & 0xF0 == 0x30:
            publishes += 1
    everything = time.perf_counter() - start
    stop.set()
    pinger.join()
    large.close()
    other.close()
    return suback, everything, worst[0], expected


class Subscriber:
    """`hearth sub -t topic`, counting the messages it prints and when the last one came."""

    def __init__(self, hearth, port, topic):
        self.process = subprocess.Popen([hearth, "sub", "-p", str(port), "-t", topic, "-V", "mqttv311"],
                                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.process.stdout.readline()  # the retained "ready": subscribed
        self.count = 0
        self.last = time.perf_counter()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for _ in self.process.stdout:
            self.count += 1
            self.last = time.perf_counter()

    def stop(self):
        self.process.kill()
        self.process.wait()


def fan(hearth, port, publishers, subscribers, messages):
    """`publishers` raw publishers share `messages` QoS 0 messages, and each of `subscribers`
    hearth subs should get them all. Returns (deliveries a second, the share delivered, messages
    taken in a second): a broker may drop QoS 0 messages for a subscriber that falls behind."""
    publish_to(port, encode_publish(b"fan/ready", b"ready", False, retain=True))
    subs = [Subscriber(hearth, port, "fan/#") for _ in range(subscribers)]
    each = messages // publishers
    streams = [b"".join(encode_publish(b"fan/p%d/room%d/temperature" % (p, i % 100), b"%d.%d" % (18 + i % 7, i % 10), False)
                        for i in range(each)) for p in range(publishers)]
    start = time.perf_counter()
    threads = [threading.Thread(target=publish_to, args=(port, stream, b"bench-publisher-%d" % index)) for index, stream in enumerate(streams)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Every publisher has had its PINGRESP: the broker has read every message.
    intake = messages / (time.perf_counter() - start)
    # Until every subscriber has all, or none has had anything for 3 s.
    while any(sub.count < messages for sub in subs) and time.perf_counter() - max(sub.last for sub in subs) < 3:
        time.sleep(0.05)
    delivered = sum(sub.count for sub in subs)
    seconds = max(sub.last for sub in subs) - start
    for sub in subs:
        sub.stop()
    return delivered / seconds, delivered / (messages * subscribers), intake


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--hearth", default=".build/release/hearth")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    hearth = os.path.abspath(args.hearth)
    results = {}
    for name, kind in (("mosquitto", "mosquitto"), ("hearth broker", "hearth")):
        runs = []
        for _ in range(args.runs):
            with brokers.running(kind, hearth) as port:
                runs.append((large_subscribe(port), fan(hearth, port, 1, 10, 20_000), fan(hearth, port, 10, 1, 200_000)))
        results[name] = (min(r[0][0] for r in runs), min(r[0][1] for r in runs), min(r[0][2] for r in runs),
                         runs[0][0][3], max(r[1] for r in runs), max(r[2] for r in runs))  # fan results: (rate, share)
    print(f"broker at scale, best of {args.runs}")
    print("  a SUBSCRIBE of 5,000 filters over 10,000 retained topics (27,500 retained messages to send):")
    for name, (suback, everything, worst, expected, _, _) in results.items():
        print(f"    {name:14} SUBACK after {suback * 1000:7.1f} ms, all {expected:,} retained after {everything * 1000:7.1f} ms,"
              f" another client's worst round trip meanwhile {worst * 1000:6.1f} ms")
    print("  fan-out, 1 publisher to 10 subscribers (QoS 0, 20,000 messages):")
    for name, result in results.items():
        print(f"    {name:14} {result[4][0]:12,.0f} deliveries/s, {result[4][1]:.1%} delivered")
    print("  fan-in, 10 publishers at once to 1 subscriber (QoS 0, 200,000 messages): taken in, and delivered to a subscriber that cannot keep up:")
    for name, result in results.items():
        print(f"    {name:14} {result[5][2]:12,.0f} messages/s taken in, {result[5][1]:.1%} delivered")
    m, h = results["mosquitto"], results["hearth broker"]
    print(f"  hearth/mosquitto (target: within 2x): time to SUBACK {h[0] / m[0]:.2f}x, to the last retained {h[1] / m[1]:.2f}x,"
          f" worst round trip {h[2] / max(m[2], 1e-4):.2f}x; rate of fan-out {h[4][0] / m[4][0]:.2f}x, of fan-in {h[5][2] / m[5][2]:.2f}x")


if __name__ == "__main__":
    main()
