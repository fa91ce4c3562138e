"""A fake MQTT server for benchmarks: answers CONNECT and SUBSCRIBE, then replays
pre-encoded QoS 0 PUBLISH packets as fast as the socket takes them. No broker in the path."""

import socket
import struct
import threading


def _varint(n):
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def encode_publish(topic, payload, v5, retain=False):
    body = struct.pack("!H", len(topic)) + topic + (b"\x00" if v5 else b"") + payload
    return (b"\x31" if retain else b"\x30") + _varint(len(body)) + body


def make_stream(count, topics, v5, payload="json"):
    """`count` publishes cycling over `topics` distinct topics.

    payload "json": temperature-like JSON objects on bench/roomN/sensor/temperature;
    "8bytes": an 8-byte number per message on bench/deviceN/sensorM;
    "mixed": as "json", but every other topic sends a plain number (bench/roomN/sensor/humidity)."""
    if payload == "8bytes":
        # Devices with ten sensors each, as a home has them.
        names = [f"bench/device{i // 10}/sensor{i % 10}".encode() for i in range(topics)]
    elif payload == "mixed":
        names = [f"bench/room{i // 2}/sensor/{'humidity' if i % 2 else 'temperature'}".encode() for i in range(topics)]
    else:
        names = [f"bench/room{i}/sensor/temperature".encode() for i in range(topics)]
    packets = []
    for i in range(count):
        if payload == "8bytes":
            body = b"%08d" % (i % 100_000_000)
        elif payload == "mixed" and i % 2:
            body = b"%d.%d" % (40 + i % 20, i % 10)
        else:
            body = b'{"temperature":%d.%d,"humidity":%d}' % (18 + i % 7, i % 10, 40 + i % 20)
        packets.append(encode_publish(names[i % topics], body, v5))
    return b"".join(packets)


def publish_to(port, stream, client=b"hearth-bench-publisher"):
    """Sends pre-encoded PUBLISH packets to a broker on one MQTT 3.1.1 connection (as `client`:
    publishers at once need ids of their own), then waits for a PINGRESP, so the broker has read
    them all."""
    sock = socket.create_connection(("127.0.0.1", port))
    body = b"\x00\x04MQTT\x04\x02\x00\x3c" + struct.pack("!H", len(client)) + client
    sock.sendall(b"\x10" + _varint(len(body)) + body)
    sock.recv(4)
    sock.sendall(stream + b"\xc0\x00")
    sock.recv(2)
    sock.sendall(b"\xe0\x00")
    sock.close()


def _read_packet(conn):
    header = conn.recv(1)
    if not header:
        return None, None
    multiplier, length = 1, 0
    while True:
        byte = conn.recv(1)[0]
        length += (byte & 0x7F) * multiplier
        multiplier *= 128
        if not byte & 0x80:
            break
    body = b""
    while len(body) < length:
        chunk = conn.recv(length - len(body))
        if not chunk:
            return None, None
        body += chunk
    return header[0], body


class ReplayServer:
    """Serves one client at a time, each getting the whole stream after its SUBSCRIBE."""

    def __init__(self, count, topics, payload="json"):
        self.count, self.topics, self.payload = count, topics, payload
        self.streams = {}
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def stream(self, v5):
        if v5 not in self.streams:
            self.streams[v5] = make_stream(self.count, self.topics, v5, self.payload)
        return self.streams[v5]

    def replay(self, conn, v5):
        """Sends the stream after SUBSCRIBE; subclasses may pace it (from their own thread)."""
        conn.sendall(self.stream(v5))

    def _serve(self):
        while True:
            conn, _ = self.sock.accept()
            threading.Thread(target=self._client, args=(conn,), daemon=True).start()

    def _client(self, conn):
        v5 = False
        try:
            while True:
                first, body = _read_packet(conn)
                if first is None:
                    return
                kind = first >> 4
                if kind == 1:  # CONNECT
                    v5 = body[6] == 5
                    conn.sendall(b"\x20\x03\x00\x00\x00" if v5 else b"\x20\x02\x00\x00")
                elif kind == 8:  # SUBSCRIBE: grant QoS 0, then replay
                    packet_id = body[:2]
                    suback = packet_id + (b"\x00\x00" if v5 else b"\x00")
                    conn.sendall(b"\x90" + _varint(len(suback)) + suback)
                    self.replay(conn, v5)
                elif kind == 12:  # PINGREQ
                    conn.sendall(b"\xd0\x00")
                elif kind == 14:  # DISCONNECT
                    return
        except OSError:
            return
        finally:
            conn.close()
