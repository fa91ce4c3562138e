/// How bad a firing rule is, in the terms monitoring systems use (Nagios/Icinga exit codes).
public enum Severity: String, Sendable, CaseIterable, Comparable {
    case warning
    case critical

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs == .warning && rhs == .critical }
}
