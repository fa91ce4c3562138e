import MQTT
import Testing

@Suite(.timeLimit(.minutes(3))) struct TopicTests {
    /// Mosquitto's matching vectors, from the reference notes.
    @Test(arguments: [
        ("foo/#", "foo", true),
        ("foo/bar/+", "foo/bar/", true),
        ("foo/+/+/baz", "foo///baz", true),
        ("#", "$SYS/bar", false),
        ("+/bar", "$SYS/bar", false),
        ("$SYS/#", "$SYS/bar", true),
        ("foo/+", "foo/bar/baz", false),
        ("foo/#", "foo/bar/baz", true),
        ("+/+", "/foo", true),
        ("+", "/foo", false),
        ("#", "/", true),
        ("a/b", "a/b", true),
        ("a/b", "a/B", false),
        ("a//b", "a//b", true),
        ("home/+/temperature", "home/kitchen/temperature", true),
    ])
    func matching(filter: String, topic: String, expected: Bool) {
        #expect(MQTTTopic.matches(filter: filter, topic: topic) == expected)
    }

    @Test(arguments: [
        ("#", "a/+/b", true),
        ("a/#", "a", true),
        ("a/#", "a/+/b/#", true),
        ("a/+/b", "a/x/b", true),
        ("a/+", "a/#", false),
        ("a/+/b", "a/+/c", false),
        ("a/x", "a/+", false),
        ("+/x", "$SYS/x", false),
        ("a/+", "a/x/y", false),
    ])
    func covering(outer: String, inner: String, expected: Bool) {
        #expect(MQTTTopic.covers(outer, inner) == expected)
        // Whatever a covered filter matches, the covering one does.
        if expected, !inner.contains("+"), !inner.contains("#") { #expect(MQTTTopic.matches(filter: outer, topic: inner)) }
    }

    @Test func coveredFiltersGoSoEachMessageComesOnce() {
        #expect(MQTTTopic.withoutCovered(["home/+/temperature", "home/#", "tele/+/LWT", "home/#"]) == ["home/#", "tele/+/LWT"])
        #expect(MQTTTopic.withoutCovered(["a/b", "#", "$SYS/x"]) == ["#", "$SYS/x"])
    }

    @Test(arguments: ["foo+", "foo/#bar", "#/foo", "foo/+bar", "a/b#", "", "a\u{0}b"])
    func invalidFilters(filter: String) {
        #expect(MQTTTopic.filterProblem(filter) != nil)
    }

    @Test(arguments: ["#", "+", "/", "+/+", "a//b", "$SYS/#", "a/+/c/#", "/leading", "trailing/"])
    func validFilters(filter: String) {
        #expect(MQTTTopic.filterProblem(filter) == nil)
    }

    @Test func topicNames() {
        #expect(MQTTTopic.nameProblem("home/kitchen") == nil)
        #expect(MQTTTopic.nameProblem("a//b") == nil)
        #expect(MQTTTopic.nameProblem("") != nil)
        #expect(MQTTTopic.nameProblem("a/+") != nil)
        #expect(MQTTTopic.nameProblem("a/#") != nil)
        #expect(MQTTTopic.nameProblem(String(repeating: "x", count: 65_536)) != nil)
    }

    @Test func aTopicWithAControlCharacterIsNotSentButIsReceived() {
        // Non-characters, built at run time (the compiler refuses some as literals).
        let nonCharacters = [0xFDD0, 0xFFFE, 0x1FFFF].compactMap(Unicode.Scalar.init).map { "a" + String(Character($0)) }
        for topic in ["lab/evil\u{1B}[31m", "a\tb", "a\u{7F}", "a\u{85}"] + nonCharacters {
            #expect(MQTTTopic.sendingProblem(topic) == .controlCharacter, "\(topic.unicodeScalars.map(\.value))")
            #expect(MQTTTopic.nameProblem(topic) == nil, "received topics stay accepted")
        }
        #expect(MQTTTopic.sendingProblem("home/küche/°C") == nil)
        #expect(MQTTTopic.sendingProblem("a/+") == .wildcardInName)
    }
}
