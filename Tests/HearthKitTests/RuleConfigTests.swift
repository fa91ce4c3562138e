import HearthKit
import Testing
import Watch

/// `[[rules]]` in config.toml: every condition and action read as written, and each mistake one
/// line naming the file, the line and the key.
@Suite(.timeLimit(.minutes(1))) struct RuleConfigTests {
    @Test func globalAndProfileRulesReadAsWritten() throws {
        let file = try ProfileFile.parse("""
            [[rules]]
            name = "freezer warm"
            topic = "zigbee2mqtt/freezer"
            field = "temperature"
            above = -15
            clear_at = -17.5
            for = "5m"
            severity = "critical"
            run = ["true", "freezer"]
            timeout = "30s"

            [[rules]]
            name = "quiet"
            topic = "home/+/temperature"
            silent = "10m"
            repeat = "1h"
            publish = { topic = "alerts/${rule}", payload = "${topic} is quiet", retain = true }

            [profiles.home]
            host = "127.0.0.1"

            [[profiles.home.rules]]
            name = "plug offline"
            topic = "tele/+/LWT"
            offline = true

            [profiles.cabin]
            host = "10.0.0.2"
            """, path: "x.toml")
        #expect(file.rules.count == 2)
        let freezer = file.rules[0]
        #expect(freezer == Rule(name: "freezer warm", filter: "zigbee2mqtt/freezer", field: "temperature", condition: .above(-15, clearAt: -17.5),
                                holdFor: 300, severity: .critical, actions: RuleActions(run: ["true", "freezer"], timeout: 30), line: 1))
        #expect(file.rules[1].condition == .silent(600))
        #expect(file.rules[1].repeatEvery == 3600)
        #expect(file.rules[1].actions.publish == PublishTemplate(topic: "alerts/${rule}", payload: "${topic} is quiet", retain: true))
        #expect(file.rules(for: ["home"]).map(\.name) == ["freezer warm", "quiet", "plug offline"])
        #expect(file.rules(for: ["home"]).last?.profile == "home")
        #expect(file.rules(for: ["cabin"]).map(\.name) == ["freezer warm", "quiet"])
        for (text, condition) in [("stale = true", RuleCondition.stale), ("gone = true", .gone), ("changed = true", .changed),
                                  ("equals = \"open\"", .equals("open")), ("below = 0", .below(0, clearAt: 0))] {
            let rule = try ProfileFile.parse("[[rules]]\nname = \"r\"\ntopic = \"#\"\n\(text)\n", path: "x.toml").rules.first
            #expect(rule?.condition == condition)
        }
    }

    @Test func aBrokenRuleIsOneLineNamingTheFileTheLineAndTheKey() {
        let rule = "[[rules]]\nname = \"r\"\ntopic = \"a/#\"\n"
        let cases: [(String, String)] = [
            (rule + "warm = true\n", "config x.toml: line 4: rules: unknown key 'warm'"),
            (rule, "config x.toml: line 1: rules: rule 'r': needs one condition, of stale, silent"),
            (rule + "stale = true\ngone = true\n", "config x.toml: line 5: rules: rule 'r': needs one condition, of stale, silent, offline, gone, above, below, changed, equals (it has stale and gone)"),
            ("[[rules]]\nname = \"r\"\ntopic = \"a/#/b\"\nstale = true\n", "config x.toml: line 3: rules: rule 'r': topic: invalid topic filter 'a/#/b'"),
            ("[[rules]]\ntopic = \"a\"\nstale = true\n", "config x.toml: line 1: rules: needs a name"),
            (rule + "silent = \"ten minutes\"\n", "config x.toml: line 4: rules: rule 'r': silent must be a span such as \"90s\""),
            (rule + "above = \"hot\"\n", "config x.toml: line 4: rules: rule 'r': above must be a number"),
            (rule + "above = 8\nclear_at = 9\n", "config x.toml: line 5: rules: rule 'r': clear_at must be at or below above's 8"),
            (rule + "equals = \"x\"\nclear_at = 9\n", "config x.toml: line 5: rules: rule 'r': clear_at goes with above or below"),
            (rule + "changed = true\nfor = \"5m\"\n", "config x.toml: line 5: rules: rule 'r': changed is an event: it takes no for or repeat"),
            (rule + "stale = true\nrepeat = \"0.001s\"\n", "config x.toml: line 5: rules: rule 'r': repeat must be a minute or longer"),
            (rule + "stale = true\nrun = [\"true\"]\ntimeout = \"1e21s\"\n", "config x.toml: line 6: rules: rule 'r': timeout must be a span such as"),
            (rule + "silent = \"400d\"\n", "config x.toml: line 4: rules: rule 'r': silent must be a span such as \"90s\", \"10m\", \"1h\", at most a year"),
            (rule + "stale = true\npublish = { topic = \"alerts/${rul}\", payload = \"x\" }\n",
             "config x.toml: line 5: rules: rule 'r': publish: no variable ${rul} (known: ${rule}, ${topic}"),
            (rule + "equals = 5\n", "config x.toml: line 4: rules: rule 'r': equals must be a string, such as equals = \"5\""),
            ("[profiles.home]\n[[profiles.hone.rules]]\nname = \"r\"\ntopic = \"#\"\nstale = true\n",
             "config x.toml: line 2: [[profiles.hone.rules]]: there is no profile 'hone' ([profiles.hone] is missing)"),
            (rule + "stale = true\nseverity = \"dire\"\n", "config x.toml: line 5: rules: rule 'r': severity must be warning or critical"),
            (rule + "stale = true\nrun = [\"hearth-no-such-program\", \"x\"]\n",
             "config x.toml: line 5: rules: rule 'r': run: no program 'hearth-no-such-program' (not found in PATH)"),
            (rule + "stale = true\nrun = \"notify-send x\"\n", "config x.toml: line 5: rules: rule 'r': run must be a program and its arguments"),
            (rule + "stale = true\npublish = { topic = \"a/+\", payload = \"x\" }\n", "config x.toml: line 5: rules: rule 'r': publish: topic 'a/+'"),
            (rule + "stale = true\n" + rule + "gone = true\n", "config x.toml: line 5: rules: a second rule named 'r'"),
            ("[profiles.home]\n[profiles.fleet]\nbrokers = [\"home\"]\n[[profiles.fleet.rules]]\nname = \"r\"\ntopic = \"#\"\nstale = true\n",
             "config x.toml: line 2: profile 'fleet': a group (brokers = […]) takes only brokers and theme; 'rules' belongs in its members' profiles"),
            ("rules = 3\n", "config x.toml: line 1: rules must be tables: [[rules]]"),
        ]
        expectOneLineErrors(cases)
    }
}
