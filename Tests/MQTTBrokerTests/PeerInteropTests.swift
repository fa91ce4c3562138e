import Foundation
import MQTTTestSupport
import Testing

/// Other people's clients against the embedded broker: mosquitto_pub/mosquitto_sub and paho-mqtt.
@Suite(.serialized, .timeLimit(.minutes(3))) struct PeerInteropTests {
    /// Starts mosquitto_sub and returns once its SUBACK is in (its -d log says so).
    private func subscribe(_ arguments: [String], port: Int) async throws -> ChildProcess {
        // Line-buffered, or the SUBACK line would wait in stdio's buffer.
        let sub = try ChildProcess.launch(["stdbuf", "-oL", "mosquitto_sub", "-p", "\(port)", "-d"] + arguments)
        try await sub.waitForOutput("SUBACK")
        return sub
    }

    private func published(_ output: String) -> [String] {
        output.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("Client ") && !$0.hasPrefix("Subscribed") }
    }

    @Test(arguments: ["mqttv311", "mqttv5"])
    func mosquittoClientsQoSRetainedAndWildcards(version: String) async throws {
        try await withBroker { broker, port in
            let pub = { (args: [String]) in
                let result = try await ChildProcess.run(["mosquitto_pub", "-p", "\(port)", "-V", version] + args)
                #expect(result.status == 0, "\(result.stderr)")
            }
            try await pub(["-t", "home/hall/temp", "-m", "19.5", "-r", "-q", "1"])
            let sub = try await subscribe(["-V", version, "-t", "home/+/temp", "-t", "$SYS/never", "-q", "2", "-C", "4",
                                           "-F", "%r %q %t %p"], port: port)
            for qos in 0...2 { try await pub(["-t", "home/kitchen/temp", "-m", "2\(qos)", "-q", "\(qos)"]) }
            try await pub(["-t", "home/kitchen/humidity", "-m", "50"])  // not matched
            let result = await sub.wait(timeout: 20)
            #expect(published(result.stdout) == ["1 1 home/hall/temp 19.5", "0 0 home/kitchen/temp 20",
                                                 "0 1 home/kitchen/temp 21", "0 2 home/kitchen/temp 22"], "\(result.stdout)")
            // "#" never matches $SYS topics; the broker's own counters are there for "$SYS/#".
            let everything = try await ChildProcess.run(["mosquitto_sub", "-p", "\(port)", "-t", "#", "-W", "1", "-v"])
            #expect(!everything.stdout.contains("$SYS"))
            let sys = try await ChildProcess.run(["mosquitto_sub", "-p", "\(port)", "-t", "$SYS/broker/version", "-C", "1"])
            #expect(sys.stdout == "hearth broker\n")
        }
    }

    @Test func mosquittoSubsWillIsPublishedWhenItVanishes() async throws {
        try await withBroker { broker, port in
            let watcher = try await subscribe(["-t", "status/#", "-C", "1", "-F", "%r %t %p"], port: port)
            let doomed = try await subscribe(["-t", "x", "--will-topic", "status/doomed", "--will-payload", "offline",
                                              "--will-retain"], port: port)
            kill(doomed.pid, SIGKILL)
            let result = await watcher.wait(timeout: 20)
            #expect(published(result.stdout) == ["0 status/doomed offline"], "\(result.stdout)")
            let retained = try await ChildProcess.run(["mosquitto_sub", "-p", "\(port)", "-t", "status/doomed", "-C", "1", "-F", "%r %p"])
            #expect(retained.stdout == "1 offline\n")
        }
    }

    @Test func mosquittoPubsTopicAliasesReachSubscribersAsTopics() async throws {
        try await withBroker { broker, port in
            let sub = try await subscribe(["-V", "mqttv5", "-t", "home/#", "-C", "3", "-F", "%t %p"], port: port)
            // The first message sets alias 1 with its topic, the next two send the alias alone.
            let pub = try await ChildProcess.run(["mosquitto_pub", "-p", "\(port)", "-V", "mqttv5", "-D", "publish", "topic-alias", "1",
                                                  "-t", "home/alias", "-r", "-l"], input: Array("1\n2\n3\n".utf8))
            #expect(pub.status == 0, "\(pub.stderr)")
            let result = await sub.wait(timeout: 20)
            #expect(published(result.stdout) == ["home/alias 1", "home/alias 2", "home/alias 3"], "\(result.stdout)")
            // What was retained carries no alias: a new subscriber gets it by its topic.
            let retained = try await ChildProcess.run(["mosquitto_sub", "-p", "\(port)", "-V", "mqttv5", "-t", "home/alias", "-C", "1", "-F", "%t %p"])
            #expect(retained.stdout == "home/alias 3\n")
        }
    }

    @Test func aMosquittoSubSessionEndsAfterItsExpiryInterval() async throws {
        try await withBroker { broker, port in
            func sessions() async throws -> Int { try await broker.statistics().sessions }
            // Subscribes on a session kept 5 s after it disconnects, then exits (-E).
            let sub = try await ChildProcess.run(["mosquitto_sub", "-p", "\(port)", "-V", "mqttv5", "-c", "-i", "expiring", "-x", "5",
                                                  "-t", "a", "-E"])
            #expect(sub.status == 0, "\(sub.stderr)")
            // The broker sees the disconnection a moment after mosquitto_sub has exited.
            var kept = try await broker.statistics()
            let disconnected = Date().addingTimeInterval(4)
            while kept.clientsConnected > 0, Date() < disconnected {
                try await Task.sleep(for: .milliseconds(20))
                kept = try await broker.statistics()
            }
            #expect(kept.sessions == 1 && kept.clientsConnected == 0, "kept after the disconnection")
            let deadline = Date().addingTimeInterval(20)
            while try await sessions() > 0, Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
            #expect(try await sessions() == 0, "ended by its expiry interval")
        }
    }

    @Test func pahoClientsInBothVersions() async throws {
        try await withBroker { broker, port in
            let python = try await Self.pythonWithPaho()
            let script = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-paho-\(getpid()).py")
            try Self.pahoScript.write(to: script, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(at: script) }
            let result = try await ChildProcess.run([python, script.path, "\(port)"], timeout: 60)
            #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
            for line in ["v311 qos 0 1 2: ok", "v311 retained: ok", "v311 will: ok", "v5 qos 0 1 2: ok", "v5 retained: ok",
                         "v5 retain as published: ok", "v5 will: ok"] {
                #expect(result.stdout.contains(line), "\(line) missing:\n\(result.stdout)\(result.stderr)")
            }
        }
    }

    @Test func pahoSharedSubscriptionsAndSubscriptionIdentifiers() async throws {
        try await withBroker { broker, port in
            let python = try await Self.pythonWithPaho()
            let script = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-paho-shared-\(getpid()).py")
            try Self.pahoSharedScript.write(to: script, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(at: script) }
            let result = try await ChildProcess.run([python, script.path, "\(port)"], timeout: 60)
            #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
            #expect(result.stdout.contains("shared: 2 2"), "\(result.stdout)\(result.stderr)")
            #expect(result.stdout.contains("identifiers: [5]"), "\(result.stdout)\(result.stderr)")
        }
    }

    @Test func pahoOverWebSockets() async throws {
        try await withBroker({ $0.webSocketPort = 0 }) { broker, _ in
            let python = try await Self.pythonWithPaho()
            let script = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-paho-ws-\(getpid()).py")
            try Self.pahoWebSocketScript.write(to: script, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(at: script) }
            let result = try await ChildProcess.run([python, script.path, "\(try #require(broker.webSocketPort))"], timeout: 60)
            #expect(result.status == 0 && result.stdout.contains("ws: p/x paho-ws retained-first"), "\(result.stdout)\(result.stderr)")
        }
    }

    static let pahoWebSocketScript = #"""
    import sys, threading
    import paho.mqtt.client as mqtt

    port = int(sys.argv[1])
    got = []
    done = threading.Event()
    subscribed = threading.Event()
    def on_message(c, userdata, message):
        got.append((message.topic, message.payload.decode(), message.retain))
        if len(got) == 2:
            done.set()
    publisher = mqtt.Client(client_id="paho-ws-pub", transport="websockets", protocol=mqtt.MQTTv5)
    publisher.connect("127.0.0.1", port)
    publisher.loop_start()
    publisher.publish("p/retained", "first", qos=1, retain=True).wait_for_publish(10)
    subscriber = mqtt.Client(client_id="paho-ws-sub", transport="websockets", protocol=mqtt.MQTTv5)
    subscriber.on_message = on_message
    subscriber.on_subscribe = lambda *args: subscribed.set()
    subscriber.connect("127.0.0.1", port)
    subscriber.loop_start()
    subscriber.subscribe("p/#", qos=1)
    subscribed.wait(10)
    publisher.publish("p/x", "paho-ws", qos=1).wait_for_publish(10)
    done.wait(10)
    retained_first = got and got[0] == ("p/retained", "first", True)
    print("ws:", got[-1][0] if got else None, got[-1][1] if got else None, "retained-first" if retained_first else got)
    for c in (publisher, subscriber):
        c.loop_stop()
        c.disconnect()
    """#

    static let pahoSharedScript = #"""
    import sys, threading
    import paho.mqtt.client as mqtt
    from paho.mqtt.properties import Properties
    from paho.mqtt.packettypes import PacketTypes

    port = int(sys.argv[1])

    def client(name, on_message=None):
        c = mqtt.Client(client_id=name, protocol=mqtt.MQTTv5)
        ready = threading.Event()
        c.on_subscribe = lambda *args: ready.set()
        if on_message:
            c.on_message = on_message
        c.connect("127.0.0.1", port)
        c.loop_start()
        return c, ready

    counts = {"w1": 0, "w2": 0}
    done = threading.Event()
    lock = threading.Lock()
    def counter(name):
        def on_message(c, userdata, message):
            with lock:
                counts[name] += 1
                if sum(counts.values()) == 4:
                    done.set()
        return on_message

    workers = []
    for name in ("w1", "w2"):
        c, ready = client(name, counter(name))
        c.subscribe("$share/workers/jobs/#", qos=1)
        ready.wait(10)
        workers.append(c)
    publisher, _ = client("publisher")
    for job in range(4):
        publisher.publish("jobs/new", str(job), qos=1).wait_for_publish(10)
    done.wait(10)
    print("shared:", counts["w1"], counts["w2"])

    got = {}
    arrived = threading.Event()
    def on_identified(c, userdata, message):
        got["ids"] = getattr(message.properties, "SubscriptionIdentifier", None)
        arrived.set()
    listener, ready = client("listener", on_identified)
    properties = Properties(PacketTypes.SUBSCRIBE)
    properties.SubscriptionIdentifier = 5
    listener.subscribe("ids/#", qos=1, properties=properties)
    ready.wait(10)
    publisher.publish("ids/x", "1", qos=1).wait_for_publish(10)
    arrived.wait(10)
    print("identifiers:", got.get("ids"))
    for c in workers + [publisher, listener]:
        c.loop_stop()
        c.disconnect()
    """#

    /// Debian's python3 has python3-paho-mqtt; a PATH python may not.
    static func pythonWithPaho() async throws -> String {
        for candidate in ["/usr/bin/python3", "python3"] {
            if let check = try? await ChildProcess.run([candidate, "-c", "import paho.mqtt.client"]), check.status == 0 { return candidate }
        }
        throw TestSupportError("paho-mqtt is not installed (apt-get install python3-paho-mqtt; .ci/test does it)")
    }

    static let pahoScript = #"""
    import sys, threading, time
    import paho.mqtt.client as mqtt
    from paho.mqtt.subscribeoptions import SubscribeOptions

    PORT = int(sys.argv[1])

    def make(name, version, **will):
        client = mqtt.Client(client_id=name, protocol=version)
        received, ready = [], threading.Event()
        client.on_message = lambda c, u, m: received.append((m.topic, m.payload.decode(), m.qos, m.retain))
        client.on_subscribe = lambda *args: ready.set()
        if will:
            client.will_set(will["topic"], will["payload"], qos=1, retain=True)
        client.connect("127.0.0.1", PORT, keepalive=30)
        client.loop_start()
        return client, received, ready

    def wait_for(received, count=None, until=None):
        deadline = time.time() + 10
        done = until or (lambda got: len(got) >= count)
        while not done(received) and time.time() < deadline:
            time.sleep(0.01)
        return received

    for name, version in (("v311", mqtt.MQTTv311), ("v5", mqtt.MQTTv5)):
        sub, got, ready = make(f"sub-{name}", version)
        if version == mqtt.MQTTv5:
            sub.subscribe(f"{name}/#", options=SubscribeOptions(qos=2, retainAsPublished=True))
        else:
            sub.subscribe(f"{name}/#", qos=2)
        assert ready.wait(10), "no SUBACK"
        pub, _, _ = make(f"pub-{name}", version)
        for qos in (0, 1, 2):
            pub.publish(f"{name}/q/{qos}", f"m{qos}", qos=qos).wait_for_publish(10)
        got = wait_for(got, 3)
        assert sorted((t, p, q) for t, p, q, r in got[:3]) == [(f"{name}/q/0", "m0", 0), (f"{name}/q/1", "m1", 1), (f"{name}/q/2", "m2", 2)], got
        print(f"{name} qos 0 1 2: ok")

        pub.publish(f"{name}/state/light", "ON", qos=1, retain=True).wait_for_publish(10)
        got = wait_for(got, 4)
        assert got[3][:3] == (f"{name}/state/light", "ON", 1), got
        if version == mqtt.MQTTv5:
            assert got[3] == (f"{name}/state/light", "ON", 1, True), got[3]
            print(f"{name} retain as published: ok")
        late, late_got, late_ready = make(f"late-{name}", version)
        late.subscribe(f"{name}/state/+", qos=1)
        late_got = wait_for(late_got, 1)
        assert late_got[0] == (f"{name}/state/light", "ON", 1, True), late_got
        print(f"{name} retained: ok")

        doomed, _, _ = make(f"doomed-{name}", version, topic=f"{name}/lwt", payload="offline")
        time.sleep(0.2)
        doomed.loop_stop()
        doomed.socket().close()  # vanish without DISCONNECT
        got = wait_for(got, until=lambda got: any(t == f"{name}/lwt" for t, p, q, r in got))
        assert any(t == f"{name}/lwt" and p == "offline" for t, p, q, r in got), got
        print(f"{name} will: ok")
        for client in (sub, pub, late):
            client.disconnect()
            client.loop_stop()
    """#
}
