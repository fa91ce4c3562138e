"""Brokers for the benchmarks: mosquitto or `hearth broker`, on a free loopback port."""

import contextlib
import os
import random
import socket
import subprocess
import sys
import tempfile
import time


def free_port():
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    return port


def stable_port():
    """A free port below the kernel's ephemeral range, for a server that is restarted on it: no
    outgoing connection can be given it while the server is down."""
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as ranges:
            ephemeral_start = int(ranges.read().split()[0])
    except (OSError, ValueError, IndexError):
        ephemeral_start = 32768
    while True:
        port = random.randrange(10000, max(10001, ephemeral_start))
        probe = socket.socket()
        try:
            probe.bind(("127.0.0.1", port))
            return port
        except OSError:
            continue
        finally:
            probe.close()


def wait_for_listener(port):
    deadline = time.time() + 10
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port)).close()
            return
        except OSError:
            time.sleep(0.02)
    sys.exit(f"nothing listens on port {port}")


@contextlib.contextmanager
def running(kind, hearth=None, ws_port=None):
    """Starts a broker ("mosquitto", with no limit on queued messages, or "hearth", with a
    WebSockets listener on `ws_port` when given) and yields its port once it accepts
    connections; stops it on the way out."""
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="hearth-bench-") as workdir:
        if kind == "mosquitto":
            config = os.path.join(workdir, "mosquitto.conf")
            with open(config, "w") as out:
                out.write(f"listener {port} 127.0.0.1\nallow_anonymous true\nmax_queued_messages 0\n")
            command = ["mosquitto", "-c", config]
        else:
            command = [hearth, "broker", "--port", str(port)] + (["--ws-port", str(ws_port)] if ws_port else [])
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_for_listener(port)
            if ws_port:
                wait_for_listener(ws_port)
            yield port
        finally:
            process.terminate()
            process.wait()
