"""Brokers for the benchmarks: mosquitto or `hearth broker`, on a free loopback port."""

import contextlib
import os
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
def running(kind, hearth=None):
    """Starts a broker ("mosquitto", with no limit on queued messages, or "hearth") and yields
    its port once it accepts connections; stops it on the way out."""
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="hearth-bench-") as workdir:
        if kind == "mosquitto":
            config = os.path.join(workdir, "mosquitto.conf")
            with open(config, "w") as out:
                out.write(f"listener {port} 127.0.0.1\nallow_anonymous true\nmax_queued_messages 0\n")
            command = ["mosquitto", "-c", config]
        else:
            command = [hearth, "broker", "--port", str(port)]
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_for_listener(port)
            yield port
        finally:
            process.terminate()
            process.wait()
