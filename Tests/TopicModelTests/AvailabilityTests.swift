import Testing
@testable import TopicModel

/// Offline devices, in the shapes real devices send their availability.
@Suite(.timeLimit(.minutes(3))) struct AvailabilityTests {
    func offline(_ model: TopicModel) -> [String] {
        model.nodes.indices.dropFirst().map { NodeID(Int32($0)) }.filter(model.isOfflineDevice).map(model.path(of:)).sorted()
    }

    @Test func zigbee2mqttPlainAndJSON() {
        var model = TopicModel()
        model.ingest(msg("zigbee2mqtt/hall_sensor", #"{"temperature":21}"#))
        model.ingest(msg("zigbee2mqtt/hall_sensor/availability", "offline", retain: true))
        #expect(offline(model) == ["zigbee2mqtt/hall_sensor"])
        #expect(model.offlineDeviceCount == 1)
        #expect(model.node(model.id("zigbee2mqtt")).offlineCount == 1)
        #expect(model.isInsideOfflineDevice(model.id("zigbee2mqtt/hall_sensor")))
        #expect(model.announcesOffline(model.id("zigbee2mqtt/hall_sensor/availability")))
        #expect(!model.isInsideOfflineDevice(model.id("zigbee2mqtt")))
        // Back online: the marker goes at once.
        model.ingest(msg("zigbee2mqtt/hall_sensor/availability", #"{"state":"online"}"#, retain: true))
        #expect(offline(model).isEmpty)
        #expect(model.offlineDeviceCount == 0)
        model.ingest(msg("zigbee2mqtt/hall_sensor/availability", #"{"state":"offline"}"#, retain: true))
        #expect(offline(model) == ["zigbee2mqtt/hall_sensor"])
        // The bridge's own state, in both forms.
        model.ingest(msg("zigbee2mqtt/bridge/state", #"{"state":"offline"}"#, retain: true))
        #expect(offline(model) == ["zigbee2mqtt/bridge", "zigbee2mqtt/hall_sensor"])
    }

    @Test func tasmotaWillMarksTeleAndStatEvenWhenStatArrivesLater() {
        var model = TopicModel()
        model.ingest(msg("tele/garage_plug/STATE", #"{"POWER":"ON"}"#))
        // The will: the broker publishes it when the plug drops off.
        model.ingest(msg("tele/garage_plug/LWT", "Offline", retain: true))
        #expect(offline(model) == ["tele/garage_plug"])
        model.ingest(msg("stat/garage_plug/RESULT", #"{"POWER":"ON"}"#))
        #expect(offline(model) == ["stat/garage_plug", "tele/garage_plug"])
        #expect(model.offlineDeviceCount == 2)
        #expect(model.isInsideOfflineDevice(model.id("stat/garage_plug/RESULT")))
        model.ingest(msg("tele/garage_plug/LWT", "Online", retain: true))
        #expect(offline(model).isEmpty)
        #expect(model.offlineDeviceCount == 0)
        #expect(model.node(.root).offlineCount == 0)
    }

    @Test func esphomeShellyAndGenericNames() {
        var model = TopicModel()
        model.ingest(msg("esp-hall/status", "offline", retain: true))
        model.ingest(msg("shellyplus1-a8032ab1/online", "false", retain: true))
        model.ingest(msg("office/printer/connected", "0"))
        model.ingest(msg("lab/scope/LWT", "disconnected"))
        #expect(offline(model) == ["esp-hall", "lab/scope", "office/printer", "shellyplus1-a8032ab1"])
        model.ingest(msg("shellyplus1-a8032ab1/online", "true", retain: true))
        model.ingest(msg("office/printer/connected", "1"))
        #expect(offline(model) == ["esp-hall", "lab/scope"])
    }

    @Test func switchStatesAndOtherPayloadsAreNotAvailability() {
        var model = TopicModel()
        // "state" carries switch states: only the unambiguous words count there.
        model.ingest(msg("kitchen/light/state", "0"))
        model.ingest(msg("kitchen/plug/state", "false"))
        model.ingest(msg("kitchen/fan/state", "OFF"))
        model.ingest(msg("garage/status", #"{"uptime":12}"#))
        #expect(offline(model).isEmpty)
        model.ingest(msg("garage/status", "offline"))
        #expect(offline(model) == ["garage"])
        // A payload no convention reads changes nothing, and an empty clear neither.
        model.ingest(msg("garage/status", "rebooting"))
        model.ingest(msg("garage/status", "", retain: true))
        #expect(offline(model) == ["garage"])
        // A first-level availability topic describes no device.
        model.ingest(msg("status", "offline"))
        #expect(offline(model) == ["garage"])
    }

    @Test func homeAssistantDiscoveryMarksTheStateTopicWithItsOwnPayloads() {
        var model = TopicModel()
        model.ingest(msg("sensors/pool/temperature", "24.5"))
        // The config first, abbreviated, with its own payloads and a base topic.
        model.ingest(msg("homeassistant/sensor/pool/config",
                         #"{"~":"sensors/pool","stat_t":"~/temperature","avty_t":"~/avail","pl_avail":"up","pl_not_avail":"down"}"#,
                         retain: true))
        model.ingest(msg("sensors/pool/avail", "down", retain: true))
        #expect(offline(model) == ["sensors/pool/temperature"])
        model.ingest(msg("sensors/pool/avail", "up", retain: true))
        #expect(offline(model).isEmpty)
        // The availability topic first; a list form; the default payloads.
        model.ingest(msg("bridge/heatpump/link", "offline", retain: true))
        model.ingest(msg("homeassistant/climate/heatpump/config",
                         #"{"state_topic":"heatpump/state","availability":[{"topic":"bridge/heatpump/link"}]}"#, retain: true))
        #expect(offline(model).isEmpty, "the state topic has not spoken yet")
        model.ingest(msg("heatpump/state", "heat"))
        #expect(offline(model) == ["heatpump/state"])
        // Removing the config removes its rule, and so the mark.
        model.ingest(msg("homeassistant/climate/heatpump/config", "", retain: true))
        #expect(offline(model).isEmpty)
    }

    @Test func twoSourcesForOneDeviceBothHaveToSayOnline() {
        var model = TopicModel()
        model.ingest(msg("tele/plug/LWT", "Offline"))
        model.ingest(msg("tele/plug/status", "offline"))
        #expect(model.offlineDeviceCount == 1)
        model.ingest(msg("tele/plug/LWT", "Online"))
        #expect(offline(model) == ["tele/plug"])
        model.ingest(msg("tele/plug/status", "online"))
        #expect(offline(model).isEmpty)
    }

    @Test func aConventionAndARuleNamingOneDeviceVoteOnceInEitherOrder() {
        // dev/status marks dev by its name; a discovery config with state_topic dev watches it too.
        let config = #"{"state_topic":"dev","avty_t":"dev/status"}"#
        var first = TopicModel()
        first.ingest(msg("dev", "1"))
        first.ingest(msg("dev/status", "offline"))
        first.ingest(msg("homeassistant/sensor/dev/config", config, retain: true))
        first.ingest(msg("dev/status", "online"))
        #expect(first.offlineDeviceCount == 0)
        #expect(first.nodes.allSatisfy { $0.offlineCount == 0 })
        first.ingest(msg("dev/status", "offline"))
        #expect(first.offlineDeviceCount == 1)

        var second = TopicModel()
        second.ingest(msg("dev", "1"))
        second.ingest(msg("homeassistant/sensor/dev/config", config, retain: true))
        second.ingest(msg("dev/status", "offline"))
        second.ingest(msg("homeassistant/sensor/dev/config", "", retain: true))
        second.ingest(msg("dev/status", "online"))
        #expect(offline(second).isEmpty)
        #expect(second.nodes.allSatisfy { $0.offlineCount == 0 })
    }

    @Test func removingAConfigWhosePayloadsOnlyItCouldReadUnmarks() {
        var model = TopicModel()
        model.ingest(msg("pool/temperature", "24"))
        model.ingest(msg("homeassistant/sensor/pool/config",
                         #"{"state_topic":"pool/temperature","avty_t":"pool/availability","pl_avail":"up","pl_not_avail":"down"}"#))
        model.ingest(msg("pool/availability", "down"))
        #expect(offline(model) == ["pool/temperature"])
        model.ingest(msg("homeassistant/sensor/pool/config", ""))
        #expect(offline(model).isEmpty)
        #expect(model.offlineDeviceCount == 0)
    }

    @Test func configsSharingOneRuleKeepItUntilTheLastGoes() {
        var model = TopicModel()
        model.ingest(msg("z/plug", #"{"power":3}"#))
        let rule = #"{"state_topic":"z/plug","availability_topic":"z/plug/link"}"#
        model.ingest(msg("homeassistant/sensor/plug_power/config", rule))
        model.ingest(msg("homeassistant/switch/plug/config", rule))
        model.ingest(msg("homeassistant/sensor/plug_power/config", ""))
        model.ingest(msg("z/plug/link", "offline"))
        #expect(offline(model) == ["z/plug"])
    }

    @Test func pendingDevicesAreOnlyWhatASourceSaysNow() {
        var model = TopicModel()
        model.ingest(msg("tele/plug/LWT", "Offline"))
        #expect(model.availability.pendingDevices.keys.sorted() == ["stat/plug"])
        model.ingest(msg("tele/plug/LWT", "Online"))
        #expect(model.availability.pendingDevices.isEmpty)
        model.ingest(msg("stat/plug/RESULT", "{}"))
        #expect(offline(model).isEmpty)
    }

    @Test func theNextProblemFindsOfflineDevices() {
        var model = TopicModel()
        model.ingest(msg("z/a/temperature", "1"))
        model.ingest(msg("z/b/availability", "offline"))
        #expect(model.nextProblem(after: nil).map(model.path(of:)) == "z/b")
    }
}
