#!/usr/bin/env python3
"""Soak: `hearth sub` on a persistent session through a faulty network, while the broker restarts.

For N minutes a publisher sends numbered QoS 1 messages (each `hearth pub -q 1`, retried until the
broker acknowledges it) straight to mosquitto, and `hearth sub -c -q 1` receives them through a
fault proxy that drops connections, stalls them past the keep alive, and passes bytes one at a
time. Meanwhile mosquitto is killed and restarted K times (SIGTERM: it saves its persistence
file on the way out, as a service restart or an upgrade does; a SIGKILL would lose what the broker
itself had not saved, which no client can get back).

Each payload is `N.k`: message N, publish attempt k (a `hearth pub` that timed out is retried
with the same N). It prints the messages acknowledged, received, lost, duplicated (the same N.k
twice: QoS 1 allows it) and retries that arrived too, the subscriber's reconnects and its peak
RSS, and fails when an acknowledged message never arrived.

    python3 bench/soak.py --hearth .build/release/hearth --minutes 10 --kills 20
"""

import argparse
import asyncio
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time

from brokers import stable_port, wait_for_listener


class Broker:
    """mosquitto with persistence, restartable on the same port."""

    def __init__(self, workdir):
        self.port = stable_port()
        self.config = os.path.join(workdir, "mosquitto.conf")
        user = "user root\n" if os.geteuid() == 0 else ""
        with open(self.config, "w") as out:
            out.write(f"{user}listener {self.port} 127.0.0.1\nallow_anonymous true\nmax_queued_messages 0\n"
                      f"persistence true\npersistence_location {workdir}/\nautosave_interval 1\n"
                      f"log_dest file {workdir}/mosquitto.log\nlog_type notice\n")
        self.log = os.path.join(workdir, "mosquitto.log")
        self.process = None
        self.kills = 0

    def start(self):
        self.process = subprocess.Popen(["mosquitto", "-c", self.config], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for_listener(self.port)

    def restart(self, down_seconds):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait()
        self.kills += 1
        time.sleep(down_seconds)
        self.start()

    def stop(self):
        if self.process:
            self.process.terminate()
            self.process.wait()

    def connections(self, client_id):
        """How many times `client_id` connected, from the broker's log."""
        with open(self.log, errors="replace") as log:
            return sum(1 for line in log if "New client connected" in line and f" as {client_id} " in line)


class FaultProxy:
    """A TCP proxy in front of the broker whose faults change every few seconds."""

    def __init__(self, upstream_port):
        self.upstream_port = upstream_port
        self.port = stable_port()
        self.mode = "pass"
        self.faults = {"drop": 0, "stall": 0, "trickle": 0}
        self.connections = set()
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def start(self):
        self.thread.start()
        wait_for_listener(self.port)

    def _run(self):
        asyncio.set_event_loop(self.loop)
        server = self.loop.run_until_complete(asyncio.start_server(self._accept, "127.0.0.1", self.port))
        self.loop.run_forever()
        server.close()

    def set_mode(self, mode):
        def apply():
            self.mode = mode
            if mode != "pass":
                self.faults[mode] += 1
            if mode == "drop":
                for writer in list(self.connections):
                    writer.transport.abort()
                self.connections.clear()
                self.mode = "pass"
        self.loop.call_soon_threadsafe(apply)

    async def _accept(self, client_reader, client_writer):
        try:
            broker_reader, broker_writer = await asyncio.open_connection("127.0.0.1", self.upstream_port)
        except OSError:
            client_writer.transport.abort()
            return
        self.connections.update([client_writer, broker_writer])
        await asyncio.gather(self._pipe(client_reader, broker_writer), self._pipe(broker_reader, client_writer),
                             return_exceptions=True)
        for writer in (client_writer, broker_writer):
            self.connections.discard(writer)
            writer.transport.abort()

    async def _pipe(self, reader, writer):
        try:
            while True:
                data = await reader.read(65536)
                if not data:
                    break
                while self.mode == "stall":
                    await asyncio.sleep(0.05)
                if self.mode == "trickle":
                    for index in range(len(data)):
                        writer.write(data[index:index + 1])
                        await writer.drain()
                        await asyncio.sleep(0.001)
                else:
                    writer.write(data)
                    await writer.drain()
        finally:
            writer.transport.abort()


def peak_rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hearth", default=".build/release/hearth")
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--rate", type=float, default=20, help="messages a second, at most")
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    duration = args.minutes * 60

    with tempfile.TemporaryDirectory(prefix="hearth-soak-") as workdir:
        broker = Broker(workdir)
        broker.start()
        proxy = FaultProxy(broker.port)
        proxy.start()
        # A 5 s keep alive, so a stall longer than about 9 s is found dead and reconnected.
        subscriber = subprocess.Popen(
            [args.hearth, "sub", "-h", "127.0.0.1", "-p", str(proxy.port), "-c", "-i", "hearth-soak", "-q", "1", "-k", "5",
             "-t", "soak/seq"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        received = []
        errors = []

        def read_messages():
            for line in subscriber.stdout:
                number, _, attempt = line.strip().partition(".")
                if number.isdigit() and attempt.isdigit():
                    received.append((int(number), int(attempt)))

        threading.Thread(target=read_messages, daemon=True).start()
        threading.Thread(target=lambda: errors.extend(subscriber.stderr), daemon=True).start()
        # Message 0 is the marker: once it arrives the subscription exists, and the broker queues
        # everything after it for the session.
        deadline = time.time() + 30
        while not any(number == 0 for number, _ in received):
            if time.time() > deadline:
                sys.exit(f"the subscriber never received the marker: {''.join(errors[-5:])}")
            subprocess.run([args.hearth, "pub", "-p", str(broker.port), "-q", "1", "-t", "soak/seq", "-m", "0.0"],
                           capture_output=True, timeout=15)
            time.sleep(0.5)

        acknowledged = set()
        attempts = 0
        stop = threading.Event()

        def publish():
            nonlocal attempts
            number, attempt = 1, 1
            while not stop.is_set():
                started = time.time()
                attempts += 1
                try:
                    result = subprocess.run([args.hearth, "pub", "-h", "127.0.0.1", "-p", str(broker.port), "-q", "1",
                                             "-t", "soak/seq", "-m", f"{number}.{attempt}"], capture_output=True, timeout=15)
                    if result.returncode == 0:
                        acknowledged.add(number)
                        number, attempt = number + 1, 1
                    else:
                        attempt += 1
                except subprocess.TimeoutExpired:
                    attempt += 1
                time.sleep(max(0, 1 / args.rate - (time.time() - started)))

        publisher = threading.Thread(target=publish, daemon=True)
        publisher.start()

        start = time.time()
        kill_times = sorted(rng.uniform(0.05, 0.9) * duration for _ in range(args.kills))
        # Each fault holds until the next one is chosen, by this loop alone.
        next_fault = start + rng.uniform(2, 6)
        while time.time() - start < duration:
            now = time.time() - start
            if kill_times and now >= kill_times[0]:
                kill_times.pop(0)
                broker.restart(rng.uniform(0.2, 2.0))
            if time.time() >= next_fault:
                mode = rng.choice(["drop", "stall", "trickle", "pass"])
                proxy.set_mode(mode)
                # Stalls of 3 to 15 s: the short ones are ridden out, the long ones outlast the keep alive.
                next_fault = time.time() + (rng.uniform(3, 15) if mode == "stall" else rng.uniform(2, 6))
            if subscriber.poll() is not None:
                sys.exit(f"hearth sub exited ({subscriber.returncode}): {''.join(errors[-5:])}")
            time.sleep(0.05)

        stop.set()
        publisher.join()
        proxy.set_mode("pass")
        # Everything acknowledged must arrive once the network is good again.
        deadline = time.time() + 120
        while time.time() < deadline and not acknowledged <= {number for number, _ in received}:
            time.sleep(0.2)
        rss = peak_rss_kib(subscriber.pid)
        subscriber.terminate()
        subscriber.wait()
        broker.stop()
        reconnects = broker.connections("hearth-soak") - 1

    unique = set(received)
    delivered = {number for number, _ in unique}
    lost = sorted(acknowledged - delivered)
    duplicates = len(received) - len(unique)
    retries = len(unique) - len(delivered)
    print(f"soak: {args.minutes:g} min, {broker.kills} broker restarts, proxy faults {proxy.faults}")
    print(f"  acknowledged {len(acknowledged)} QoS 1 messages ({attempts} publish attempts)")
    print(f"  received {len(received)}: {len(delivered)} distinct messages, {duplicates} duplicates (QoS 1 allows them), "
          f"{retries} publisher retries that had reached the broker")
    print(f"  lost {len(lost)}" + (f": {lost[:20]}" if lost else ""))
    print(f"  subscriber: {reconnects} reconnects ({len(errors)} reconnect attempts), peak RSS {rss / 1024:.1f} MiB")
    sys.exit(1 if lost else 0)


if __name__ == "__main__":
    main()
