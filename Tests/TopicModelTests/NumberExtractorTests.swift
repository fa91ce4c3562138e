import Testing
@testable import TopicModel

@Suite(.timeLimit(.minutes(3))) struct NumberExtractorTests {
    private func numbers(_ text: String) -> [String] {
        NumberExtractor.numbers(in: Array(text.utf8)).map { "\($0.path)=\($0.value)" }
    }

    @Test func plainNumbersWithAndWithoutUnits() {
        #expect(numbers("21.5") == ["=21.5"])
        #expect(numbers("21.5 °C") == ["=21.5"])
        #expect(numbers("21.5°C") == ["=21.5"])
        #expect(numbers("-3") == ["=-3.0"])
        #expect(numbers("1e3") == ["=1000.0"])
        #expect(numbers(" 7.8\n") == ["=7.8"])
        #expect(numbers("45%") == ["=45.0"])
        #expect(numbers("230 V") == ["=230.0"])
    }

    @Test func notNumbers() {
        #expect(numbers("").isEmpty)
        #expect(numbers("hello").isEmpty)
        #expect(numbers("12abc34").isEmpty)
        #expect(numbers("2026-11-26").isEmpty)
        #expect(numbers("1.2.3").isEmpty)
        #expect(numbers("{not json").isEmpty)
        #expect(numbers("[1,2,3]").isEmpty)
        #expect(numbers("nan").isEmpty)
    }

    @Test func stateWords() {
        #expect(numbers("ON") == ["=1.0"])
        #expect(numbers("off") == ["=0.0"])
        #expect(numbers("true") == ["=1.0"])
        #expect(numbers("Closed") == ["=0.0"])
        #expect(numbers("online") == ["=1.0"])
        #expect(numbers("Offline") == ["=0.0"])
    }

    @Test func jsonFieldsByPathInDocumentOrder() {
        // zigbee2mqtt
        #expect(numbers(#"{"battery":97,"humidity":48.2,"linkquality":120,"temperature":21.7,"state":"ON"}"#)
            == ["battery=97.0", "humidity=48.2", "linkquality=120.0", "temperature=21.7"])
        // Tasmota tele/.../SENSOR
        #expect(numbers(#"{"Time":"2026-11-26T10:00:00","AM2301":{"Temperature":24.6,"Humidity":71.0},"TempUnit":"C"}"#)
            == ["AM2301.Temperature=24.6", "AM2301.Humidity=71.0"])
        // Shelly Gen2 (its "id" names the channel)
        #expect(numbers(#"{"id":0,"apower":8.3,"output":true,"temperature":{"tC":48.9,"tF":120.0}}"#)
            == ["apower=8.3", "output=1.0", "temperature.tC=48.9", "temperature.tF=120.0"])
        #expect(numbers(#"{"a":[1,2],"b":{"c":null,"d":-1.5e2}}"#) == ["b.d=-150.0"])
    }

    @Test func anIdNamesAChannelAndIsNotAReading() {
        #expect(numbers(#"{"id":0,"tC":22.5,"tF":72.5}"#) == ["tC=22.5", "tF=72.5"])
        #expect(numbers(#"{"switch":{"id":1,"apower":12.5},"idle":3}"#) == ["switch.apower=12.5", "idle=3.0"])
    }

    @Test func hostileJSONIsCheap() {
        let deep = String(repeating: "{\"a\":", count: 10_000) + "1" + String(repeating: "}", count: 10_000)
        #expect(numbers(deep).isEmpty)
        let wide = "{" + (0..<1000).map { "\"k\($0)\":\($0)" }.joined(separator: ",") + "}"
        #expect(numbers(wide).count == NumberExtractor.maximumFields)
    }
}
