import Foundation
import MQTT

/// A smart home that publishes like a real one: the demo's traffic, sent to any broker.
///
/// Six rooms in the shapes real homes send (zigbee2mqtt, Tasmota, Shelly Gen2, ESPHome with Home
/// Assistant discovery), retained lights, a plug, doors, switches and online states, a device that drops
/// off through its will every few minutes, and heaters that obey `home/<room>/heater/set`.
public actor SimulatedHome {
    enum Kind { case zigbee, tasmota, shelly, esphome }

    private struct Room {
        var climate: RoomClimate
        let kind: Kind
    }

    private let host: String
    private let port: Int
    /// Simulated seconds per real second once live (the backfill runs faster still).
    private let speed = 5.0
    /// Real seconds between the flaky device's departures.
    private let flakyPeriod: Duration
    private var rooms: [Room]
    private var simulatedTime = 0.0
    private var home: MQTTClient?
    private var flaky: MQTTClient?
    private var tasks: [Task<Void, Never>] = []
    private var lights: [String: Bool] = ["living_room": true, "bedroom": false, "kids_room": true]
    private var doors: [String: Bool] = ["front_door": false, "back_door": false, "garage_door": true]
    private var energy = 12.345
    private var plugEnergy = 23.4
    private var random = SplitMix(seed: 42)

    public static let roomNames = ["living_room", "kitchen", "bedroom", "office", "bathroom", "kids_room"]

    public init(host: String = "127.0.0.1", port: Int, flakyPeriod: Duration = .seconds(150)) {
        self.host = host
        self.port = port
        self.flakyPeriod = flakyPeriod
        let kinds: [Kind] = [.zigbee, .tasmota, .zigbee, .shelly, .esphome, .esphome]
        rooms = Self.roomNames.enumerated().map { index, name in
            Room(climate: RoomClimate(name: name, base: [21, 20, 18.5, 21.5, 23, 20.5][index], amplitude: [1.2, 1.6, 1.0, 1.4, 0.8, 1.1][index],
                                      phase: Double(index) / 12, seed: UInt64(index + 1)),
                 kind: kinds[index])
        }
    }

    // MARK: Start and stop

    /// Connects the home and publishes its retained states: lights, doors, heaters, discovery.
    public func start() async throws {
        let home = MQTTClient(configuration: MQTTClientConfiguration(host: host, port: port, clientID: "hearth-demo-home"))
        self.home = home
        _ = try await home.connect()
        try await home.subscribe([MQTTSubscription("home/+/heater/set", qos: .atLeastOnce)])
        try await publishRetainedStates()
        try await connectFlakyDevice()
        tasks = [Task { await self.listenForCommands(home) }]
    }

    /// Starts the sensors: two simulated days in three seconds, so curves show at once, then live
    /// (`onLive` is called then).
    public func startReadings(onLive: (@Sendable () -> Void)? = nil) async throws {
        guard tasks.count == 1 else { return }
        tasks += [
            Task {
                for _ in 0..<60 {
                    self.advance(by: 20)
                    try? await self.publishReadings()
                    try? await Task.sleep(for: .milliseconds(50))
                }
                onLive?()
                await self.every(.seconds(2)) { try await $0.tick() }
            },
            Task { await self.every(.seconds(5)) { try await $0.publishSwitchStatus() } },
            Task { await self.every(.seconds(23)) { try await $0.flipSomething() } },
            Task { await self.every(self.flakyPeriod) { try await $0.bounceFlakyDevice() } },
        ]
    }

    public func stop() async {
        tasks.forEach { $0.cancel() }
        tasks = []
        await flaky?.disconnect()
        await home?.disconnect()
    }

    /// Runs `body` every `interval` until cancelled; a failed publish is retried next time.
    private func every(_ interval: Duration, _ body: @Sendable (isolated SimulatedHome) async throws -> Void) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            guard !Task.isCancelled else { return }
            try? await body(self)
        }
    }

    // MARK: Publishing

    private func publish(_ topic: String, _ payload: String, retain: Bool = false, qos: MQTTQoS = .atMostOnce) async throws {
        try await home?.publish(to: topic, payload: Array(payload.utf8), qos: qos, retain: retain)
    }

    private func publishRetainedStates() async throws {
        try await publish("zigbee2mqtt/bridge/state", #"{"state":"online"}"#, retain: true)
        for (room, on) in lights { try await publish("zigbee2mqtt/\(room)_light", DevicePayloads.zigbeeLight(on: on, brightness: 180), retain: true) }
        try await publish("zigbee2mqtt/washing_machine_plug", DevicePayloads.zigbeePlug(on: true, power: 112.4, energy: plugEnergy), retain: true)
        for (door, open) in doors { try await publish("home/\(door)/contact", open ? "open" : "closed", retain: true) }
        try await publish("stat/tasmota_kitchen/POWER", "ON", retain: true)
        try await publish("tele/tasmota_kitchen/LWT", "Online", retain: true)
        for room in rooms {
            try await publish("home/\(room.climate.name)/heater", "OFF", retain: true, qos: .atLeastOnce)
            guard room.kind == .esphome else { continue }
            let name = room.climate.name
            try await publish("esphome/\(name)/status", "online", retain: true)
            let title = name.split(separator: "_").map(\.capitalized).joined(separator: " ")
            try await publish("homeassistant/sensor/\(name)_temperature/config",
                              DevicePayloads.discovery(name: "\(title) Temperature", stateTopic: "esphome/\(name)/sensor/temperature/state",
                                                       unit: "°C", deviceClass: "temperature", id: "\(name)_temperature"), retain: true)
            try await publish("homeassistant/sensor/\(name)_humidity/config",
                              DevicePayloads.discovery(name: "\(title) Humidity", stateTopic: "esphome/\(name)/sensor/humidity/state",
                                                       unit: "%", deviceClass: "humidity", id: "\(name)_humidity"), retain: true)
        }
    }

    private func tick() async throws {
        advance(by: 2 * speed)
        try await publishReadings()
    }

    private func advance(by step: Double) {
        simulatedTime += step
        for index in rooms.indices { rooms[index].climate.advance(to: simulatedTime, step: step) }
    }

    private func publishReadings() async throws {
        for room in rooms {
            let climate = room.climate
            switch room.kind {
            case .zigbee:
                try await publish("zigbee2mqtt/\(climate.name)_sensor", DevicePayloads.zigbeeSensor(climate, battery: 97 - climate.name.count))
            case .tasmota:
                try await publish("tele/tasmota_\(climate.name)/SENSOR", DevicePayloads.tasmotaSensor(climate, time: Date()))
            case .shelly:
                try await publish("shellyplusht-\(climate.name)/status/temperature:0", DevicePayloads.shellyTemperature(climate))
                try await publish("shellyplusht-\(climate.name)/status/humidity:0", DevicePayloads.shellyHumidity(climate))
            case .esphome:
                try await publish("esphome/\(climate.name)/sensor/temperature/state", DevicePayloads.one(climate.temperature))
                try await publish("esphome/\(climate.name)/sensor/humidity/state", String(Int(climate.humidity.rounded())))
            }
        }
    }

    private func publishSwitchStatus() async throws {
        let on = lights["living_room"] ?? false
        energy += on ? 0.004 : 0
        try await publish("shellyplus1pm-office/status/switch:0",
                          DevicePayloads.shellySwitch(on: on, power: 41.5 + random.noise(2), energy: energy,
                                                      deviceTemperature: 38 + random.noise(1)))
        plugEnergy += 0.0002
        try await publish("zigbee2mqtt/washing_machine_plug",
                          DevicePayloads.zigbeePlug(on: true, power: 112 + random.noise(8), energy: plugEnergy), retain: true)
    }

    /// Someone switches a light or opens a door now and then.
    private func flipSomething() async throws {
        if random.next() % 2 == 0, let room = lights.keys.sorted().randomElement(using: &random) {
            lights[room]?.toggle()
            try await publish("zigbee2mqtt/\(room)_light", DevicePayloads.zigbeeLight(on: lights[room] ?? false, brightness: 180), retain: true)
        } else if let door = doors.keys.sorted().randomElement(using: &random) {
            doors[door]?.toggle()
            try await publish("home/\(door)/contact", doors[door] == true ? "open" : "closed", retain: true)
        }
    }

    // MARK: Heaters

    private func listenForCommands(_ client: MQTTClient) async {
        for await event in client.events {
            guard case let .message(message) = event else { continue }
            let parts = message.topic.split(separator: "/")
            guard parts.count == 4, let index = rooms.firstIndex(where: { $0.climate.name == parts[1] }) else { continue }
            let command = String(decoding: message.payload, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines).uppercased()
            let on: Bool
            switch command {
            case "ON", "1", "TRUE": on = true
            case "OFF", "0", "FALSE": on = false
            case "TOGGLE": on = !rooms[index].climate.heaterOn
            default: continue
            }
            rooms[index].climate.heaterOn = on
            try? await publish("home/\(parts[1])/heater", on ? "ON" : "OFF", retain: true, qos: .atLeastOnce)
        }
    }

    // MARK: The flaky device

    private func connectFlakyDevice() async throws {
        let will = MQTTWill(topic: "tele/tasmota_garage/LWT", payload: Array("Offline".utf8), qos: .atLeastOnce, retain: true)
        let client = MQTTClient(configuration: MQTTClientConfiguration(
            host: host, port: port, clientID: "tasmota_garage", will: will, reconnect: .never))
        _ = try await client.connect()
        try await client.publish(to: "tele/tasmota_garage/LWT", payload: Array("Online".utf8), qos: .atLeastOnce, retain: true)
        flaky = client
    }

    /// The garage plug loses its Wi-Fi: the broker publishes its will, and it is back 20 s later
    /// (sooner when it drops more often than that).
    private func bounceFlakyDevice() async throws {
        await flaky?.abandon()
        flaky = nil
        try await Task.sleep(for: min(.seconds(20), flakyPeriod / 2))
        try await connectFlakyDevice()
    }
}

extension Array {
    fileprivate func randomElement(using generator: inout SplitMix) -> Element? {
        isEmpty ? nil : self[Int(generator.next() % UInt64(count))]
    }
}
