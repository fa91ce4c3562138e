#!/usr/bin/env python3
"""MQTT over WebSockets against plain TCP, from the same `hearth broker` (--port and --ws-port).

A fresh subscriber takes N retained messages (N topics under bench/, 8-byte payloads) and exits:
`hearth sub` over TCP, `hearth sub` over WebSockets, and paho-mqtt over WebSockets (the peer
that speaks it here; mosquitto_sub cannot). Each runs `--runs` times, alternating; the best run
of each is compared. Use a release build of hearth, and the test command's python3-paho-mqtt."""

import argparse
import importlib.util
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import brokers  # noqa: E402
from replay_server import encode_publish, publish_to  # noqa: E402
from sub_throughput import best_times  # noqa: E402

# Debian's python3-paho-mqtt, when another python3 (a pyenv one) comes first on PATH.
PAHO_PYTHON = sys.executable if importlib.util.find_spec("paho") else "/usr/bin/python3"
PAHO = """
import sys, paho.mqtt.client as mqtt
port, count = int(sys.argv[1]), int(sys.argv[2])
seen = 0
def on_connect(client, userdata, flags, rc):
    client.subscribe("bench/#")
def on_message(client, userdata, message):
    global seen
    seen += 1
    if seen == count:
        client.disconnect()
try:  # paho 2 asks which callback signatures; Debian 12's paho 1.6 has only these
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION1, transport="websockets")
except AttributeError:
    client = mqtt.Client(transport="websockets")
client.ws_set_options(path="/mqtt")
client.on_connect, client.on_message = on_connect, on_message
client.connect("127.0.0.1", port)
client.loop_forever()
"""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--hearth", default=".build/release/hearth")
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    hearth = os.path.abspath(args.hearth)
    n = str(args.messages)
    ws_port = brokers.free_port()
    with brokers.running("hearth", hearth, ws_port=ws_port) as port:
        publish_to(port, b"".join(encode_publish(b"bench/%d" % i, b"%08d" % i, False, retain=True) for i in range(args.messages)))
        clients = {
            "hearth sub, tcp": [hearth, "sub", "-p", str(port), "-t", "bench/#", "-v", "-C", n],
            "hearth sub, ws": [hearth, "sub", "--ws", "-p", str(ws_port), "-t", "bench/#", "-v", "-C", n],
            "paho-mqtt, ws": [PAHO_PYTHON, "-c", PAHO, str(ws_port), n],
        }
        best = best_times(clients, args.runs)

    print(f"websockets: {args.messages:,} retained messages to a fresh subscriber from hearth broker, best of {args.runs}")
    for name, seconds in best.items():
        print(f"  {name:16} {args.messages / seconds:12,.0f} msgs/s  ({seconds:.3f} s)")
    tcp, ws, paho = best["hearth sub, tcp"], best["hearth sub, ws"], best["paho-mqtt, ws"]
    print(f"  hearth over ws / over tcp: {tcp / ws:.2f}x the rate; hearth / paho-mqtt, both over ws: {paho / ws:.2f}x")


if __name__ == "__main__":
    main()
