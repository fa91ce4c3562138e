/// Natural ordering of topic levels: digit runs compare by value, so `room2` sorts before `room10`.
///
/// ```swift
/// NaturalOrder.less("room2", "room10")  // true
/// NaturalOrder.less("Room", "room")     // true: ties on case-folded text break by bytes
/// ```
public enum NaturalOrder {
    public static func less(_ lhs: String, _ rhs: String) -> Bool {
        compare(lhs, rhs) < 0
    }

    /// -1, 0 or 1, reading both strings' UTF-8 in place (no copies).
    static func compare(_ lhs: String, _ rhs: String) -> Int {
        var lhs = lhs, rhs = rhs
        return lhs.withUTF8 { a in rhs.withUTF8 { b in compare(a, b) } }
    }

    /// -1, 0 or 1. Letters compare case-insensitively first; exact bytes break ties, so the order is total.
    static func compare(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Int {
        var i = 0, j = 0
        while i < a.count, j < b.count {
            if isDigit(a[i]), isDigit(b[j]) {
                // Compare digit runs by value: skip leading zeros, then length, then digits.
                var si = i, sj = j
                while si < a.count, a[si] == UInt8(ascii: "0") { si += 1 }
                while sj < b.count, b[sj] == UInt8(ascii: "0") { sj += 1 }
                var ei = si, ej = sj
                while ei < a.count, isDigit(a[ei]) { ei += 1 }
                while ej < b.count, isDigit(b[ej]) { ej += 1 }
                if ei - si != ej - sj { return ei - si < ej - sj ? -1 : 1 }
                for k in 0..<(ei - si) where a[si + k] != b[sj + k] { return a[si + k] < b[sj + k] ? -1 : 1 }
                i = ei
                j = ej
                continue
            }
            let ca = fold(a[i]), cb = fold(b[j])
            if ca != cb { return ca < cb ? -1 : 1 }
            i += 1
            j += 1
        }
        if a.count - i != b.count - j { return a.count - i < b.count - j ? -1 : 1 }
        // Equal under folding: fall back to raw bytes so distinct names never compare equal.
        if a.elementsEqual(b) { return 0 }
        return a.lexicographicallyPrecedes(b) ? -1 : 1
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
    private static func fold(_ byte: UInt8) -> UInt8 { byte >= 0x41 && byte <= 0x5A ? byte + 32 : byte }
}
