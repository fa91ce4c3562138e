import Foundation
import MQTT
import MQTTTestSupport
import Testing

/// `hearth pub` and `hearth sub` against mosquitto and its clients, and against the embedded broker.
@Suite(.serialized, .timeLimit(.minutes(3))) struct CommandLineInteropTests {
    @Test func helpListsTheDashboardsConnectionFlags() async throws {
        let help = try await HearthExecutable.run(["--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("SUBCOMMANDS:") && help.stdout.contains("-h, --host <host>"), "\(help.stdout)")
        #expect(help.stdout.contains("--password-file") && help.stdout.contains("--theme"), "\(help.stdout)")
    }

    @Test(arguments: BrokerKind.allCases, ["mqttv5", "mqttv311"])
    func mosquittoSubReadsWhatHearthPubSends(kind: BrokerKind, version: String) async throws {
        try await LoopbackBroker.with(kind) { broker in
            let port = "\(broker.port)"
            let pub = try await HearthExecutable.run(["pub", "-p", port, "-V", version, "-t", "home/door", "-m", "closed",
                                                      "-r", "-q", "1"])
            #expect(pub.status == 0, "\(pub.stderr)")
            let sub = try await ChildProcess.run(["mosquitto_sub", "-p", port, "-t", "home/#", "-v", "-F", "%r %t %p",
                                                  "-C", "1", "-W", "10"])
            #expect(sub.stdout == "1 home/door closed\n")

            // -r -n clears it: a new subscriber then sees only a marker published after the clear.
            let clear = try await HearthExecutable.run(["pub", "-p", port, "-t", "home/door", "-r", "-n"])
            #expect(clear.status == 0, "\(clear.stderr)")
            try await HearthExecutable.run(["pub", "-p", port, "-t", "home/marker", "-m", "m", "-r"])
            let after = try await ChildProcess.run(["mosquitto_sub", "-p", port, "-t", "home/#", "-v", "-C", "1", "-W", "10"])
            #expect(after.stdout == "home/marker m\n")
        }
    }

    @Test(arguments: BrokerKind.allCases)
    func hearthSubReadsWhatMosquittoPubSends(kind: BrokerKind) async throws {
        try await LoopbackBroker.with(kind) { broker in
            let port = "\(broker.port)"
            try await ChildProcess.run(["mosquitto_pub", "-p", port, "-t", "sensors/t1", "-m", "21.5", "-r"])
            let sub = try ChildProcess.launch([HearthExecutable.path, "sub", "-p", port, "-t", "sensors/#", "-v", "-C", "2"])
            // The retained message first, then a live one once the subscription is there.
            try await sub.waitForOutput("sensors/t1 21.5\n")
            try await ChildProcess.run(["mosquitto_pub", "-p", port, "-t", "sensors/t2", "-m", "hello world", "-q", "2"])
            let result = await sub.wait(timeout: 20)
            #expect(result.status == 0)
            #expect(result.stdout == "sensors/t1 21.5\nsensors/t2 hello world\n")
        }
    }

    @Test(arguments: BrokerKind.allCases)
    func jsonOutputCarriesFlagsAndProperties(kind: BrokerKind) async throws {
        try await LoopbackBroker.with(kind) { broker in
            let port = "\(broker.port)"
            try await ChildProcess.run(["mosquitto_pub", "-p", port, "-V", "mqttv5", "-t", "j/bin", "-r", "-q", "1",
                                        "-D", "publish", "user-property", "room", "hall",
                                        "-D", "publish", "content-type", "application/octet-stream",
                                        "-s"], input: [0xFF, 0x00, 0x41])
            let sub = try await HearthExecutable.run(["sub", "-p", port, "-t", "j/#", "-F", "json", "-C", "1", "-q", "1"])
            #expect(sub.status == 0, "\(sub.stderr)")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(sub.stdout.utf8)) as? [String: Any])
            #expect(object["topic"] as? String == "j/bin")
            #expect(object["payload"] as? String == Data([0xFF, 0x00, 0x41]).base64EncodedString())
            #expect(object["payload_encoding"] as? String == "base64")
            #expect(object["retain"] as? Bool == true)
            #expect(object["qos"] as? Int == 1)
            #expect(object["received_at"] is String)
            let properties = try #require(object["properties"] as? [String: Any])
            #expect(properties["content_type"] as? String == "application/octet-stream")
            #expect((properties["user_properties"] as? [[String]]) == [["room", "hall"]])
        }
    }

    @Test(arguments: BrokerKind.allCases)
    func retainedOnlyPrintsTheRetainedValuesThenExits(kind: BrokerKind) async throws {
        try await LoopbackBroker.with(kind) { broker in
            let port = "\(broker.port)"
            for (topic, value) in [("h/a", "1"), ("h/b", "2"), ("h/c/d", "3")] {
                try await ChildProcess.run(["mosquitto_pub", "-p", port, "-t", topic, "-m", value, "-r"])
            }
            let sub = try await HearthExecutable.run(["sub", "-p", port, "-t", "h/#", "-v", "--retained-only"])
            #expect(sub.status == 0)
            #expect(sub.stdout.split(separator: "\n").sorted() == ["h/a 1", "h/b 2", "h/c/d 3"])
        }
    }

    @Test(arguments: BrokerKind.allCases)
    func twoSubscribersInASharedSubscriptionSplitTheMessages(kind: BrokerKind) async throws {
        try await LoopbackBroker.with(kind) { broker in
            let port = "\(broker.port)"
            let workers = try (0..<2).map { _ in
                try ChildProcess.launch([HearthExecutable.path, "sub", "-p", port, "-t", "$share/workers/jobs/#", "-q", "1", "-v", "-C", "2", "-d"])
            }
            for worker in workers { try await worker.waitForOutput("received SUBACK") }
            for job in 1...4 {
                try await ChildProcess.run(["mosquitto_pub", "-p", port, "-q", "1", "-t", "jobs/\(job)", "-m", "job \(job)"])
            }
            var received: [String] = []
            for worker in workers {
                let result = await worker.wait(timeout: 20)
                let lines = result.stdout.split(separator: "\n").map(String.init)
                #expect(result.status == 0 && lines.count == 2, "each worker gets its share: \(result.stdout)\(result.stderr)")
                received += lines
            }
            // The messages keep their own topics, and each goes to one worker only.
            #expect(received.sorted() == (1...4).map { "jobs/\($0) job \($0)" }, "\(received)")
        }
    }

    @Test func errorsAreOneClearLine() async throws {
        try await Mosquitto.with(listeners: [.password(user: "u", password: "right")]) { broker in
            let port = "\(broker.port(.password(user: "u", password: "right")))"
            let wrong = try await HearthExecutable.run(["pub", "-p", port, "-u", "u", "-P", "wrong", "-t", "t", "-m", "x"])
            #expect(wrong.status != 0)
            #expect(wrong.stderr.contains("connection refused by the broker"))
            #expect(wrong.stderr.split(separator: "\n").count == 1)
            #expect(wrong.stderr.contains("; check the user name 'u' and its password"), "\(wrong.stderr)")
            // Without -u: the broker wants a login, and the line says how to give one.
            let anonymous = try await HearthExecutable.run(["sub", "-p", port, "-t", "t"])
            #expect(anonymous.status != 0 && anonymous.stderr.split(separator: "\n").count == 1)
            #expect(anonymous.stderr.contains("; the broker wants a login: give -u USER with -P PASSWORD"), "\(anonymous.stderr)")

            let viaEnv = try await HearthExecutable.run(["pub", "-p", port, "-u", "u", "-t", "t", "-m", "x"],
                                                        environment: ["HEARTH_PASSWORD": "right"])
            #expect(viaEnv.status == 0, "\(viaEnv.stderr)")

            let unreachable = try await HearthExecutable.run(["sub", "-p", "\(LoopbackPort.free())", "-t", "#"])
            #expect(unreachable.status != 0)
            #expect(unreachable.stderr.contains("connection refused; no broker is listening there: name one with -h HOST -p PORT"))
            #expect(unreachable.stderr.contains("or try 'hearth demo'") && unreachable.stderr.split(separator: "\n").count == 1)

            let badFilter = try await HearthExecutable.run(["sub", "-t", "a/#/b"])
            #expect(badFilter.status != 0)
            #expect(badFilter.stderr.hasPrefix("Error: invalid topic filter 'a/#/b'"))

            // mosquitto would close the connection on it, and a QoS 0 message would vanish.
            let control = try await HearthExecutable.run(["pub", "-p", port, "-t", "lab/evil\u{1B}[31m", "-m", "x"])
            #expect(control.status != 0)
            #expect(control.stderr == "Error: invalid topic 'lab/evil\\x1b[31m': contains a control character or non-character, which brokers refuse\n", "\(control.stderr)")

            // A file that cannot be read says why, before connecting.
            let missing = try await HearthExecutable.run(["pub", "-p", port, "-t", "t", "-f", "/nonexistent-file"])
            #expect(missing.stderr == "Error: cannot read /nonexistent-file: no such file\n", "\(missing.stderr)")
            let folder = try await HearthExecutable.run(["pub", "-p", port, "-t", "t", "-f", "/tmp"])
            #expect(folder.stderr == "Error: cannot read /tmp: it is a folder\n", "\(folder.stderr)")

            let badURL = try await HearthExecutable.run(["pub", "-L", "http://x", "-m", "y"])
            #expect(badURL.stderr.hasPrefix("Error: invalid URL"))
        }
    }

    @Test(arguments: BrokerKind.allCases)
    func willMessageIsPublishedWhenHearthVanishes(kind: BrokerKind) async throws {
        try await LoopbackBroker.with(kind) { broker in
            let port = "\(broker.port)"
            try await ChildProcess.run(["mosquitto_pub", "-p", port, "-t", "ready", "-m", "1", "-r"])
            let sub = try ChildProcess.launch([HearthExecutable.path, "sub", "-p", port, "-t", "ready", "--will-topic", "dev/online",
                                               "--will-payload", "offline", "--will-retain"])
            // Once the retained "ready" is printed, hearth is connected with its will registered.
            try await sub.waitForOutput("1\n")
            sub.signal(SIGKILL)
            // The broker publishes the will once it notices the closed socket: ask for the retained
            // value until it is there (a subscriber that raced it would get it live, without RETAIN).
            var will = ""
            let deadline = Date().addingTimeInterval(20)
            while will.isEmpty, Date() < deadline {
                will = try await ChildProcess.run(["mosquitto_sub", "-p", port, "-t", "dev/online", "-v", "-F", "%r %t %p",
                                                   "--retained-only", "-C", "1", "-W", "1"]).stdout
            }
            #expect(will == "1 dev/online offline\n")
        }
    }

    @Test func controlBytesAreEscapedOnATerminal() async throws {
        try await Mosquitto.with { broker in
            let port = "\(broker.port())"
            try await ChildProcess.run(["mosquitto_pub", "-p", port, "-t", "evil", "-r", "-m", "a\u{1B}[2Jb\u{07}"])
            // `script` gives hearth a pty, as a person's terminal would.
            let result = try await ChildProcess.run(["script", "-q", "-c",
                                                     "\(HearthExecutable.path) sub -p \(port) -t evil -C 1", "/dev/null"])
            #expect(result.stdout.contains("a\\x1b[2Jb\\x07"))
            #expect(!result.stdout.contains("\u{1B}[2J"))
        }
    }
}

/// `hearth sub -c -i ID`: what is published while the subscriber is away waits for it.
@Suite(.timeLimit(.minutes(3))) struct PersistentSessionCommandTests {
    @Test(.timeLimit(.minutes(1)), arguments: ["mqttv5", "mqttv311"])
    func aPersistentSubscriberGetsWhatArrivedWhileItWasAway(version: String) async throws {
        try await Mosquitto.with { broker in
            let port = "\(broker.port())"
            let id = "hearth-test-\(version)-\(UInt32.random(in: 0...UInt32.max))"
            let session = ["sub", "-p", port, "-V", version, "-c", "-i", id, "-q", "1", "-t", "away/#", "-v"]
            // First visit: subscribe, then leave (the command stops once its SUBACK is in).
            let first = try ChildProcess.launch([HearthExecutable.path] + session + ["-d"])
            try await first.waitForOutput("received SUBACK")
            first.signal(SIGTERM)
            _ = await first.wait(timeout: 20)
            try await ChildProcess.run(["mosquitto_pub", "-p", port, "-q", "1", "-t", "away/door", "-m", "opened"])
            // Back with the same id: the broker delivers what it queued.
            let second = try await HearthExecutable.run(session + ["-C", "1", "-W", "20"])
            #expect(second.status == 0, "\(second.stderr)")
            #expect(second.stdout == "away/door opened\n")
            // Without -c nothing waits: a clean session starts empty.
            try await ChildProcess.run(["mosquitto_pub", "-p", port, "-q", "1", "-t", "away/window", "-m", "opened"])
            let clean = try await HearthExecutable.run(["sub", "-p", port, "-V", version, "-i", id, "-q", "1", "-t", "away/#", "-W", "1", "-d"])
            #expect(clean.status == 0, "\(clean.stderr)")
            #expect(clean.stderr.contains("received SUBACK"), "it connected and subscribed: \(clean.stderr)")
            #expect(clean.stdout == "")
        }
    }

    @Test func minusCNeedsAnIdAndMinusXTakesSecondsOrForever() async throws {
        let noID = try await HearthExecutable.run(["sub", "-t", "a", "-c"])
        #expect(noID.stderr == "Error: -c needs a client id (-i) to find the session again\n")
        let bad = try await HearthExecutable.run(["sub", "-t", "a", "-x", "soon"])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("-x") && bad.stderr.split(separator: "\n").count == 1, "\(bad.stderr)")
    }
}
