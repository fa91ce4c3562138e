/// Hands out packet identifiers 1...65535 round-robin, skipping those still in use.
struct PacketIdentifierPool {
    private var next: UInt16 = 1

    /// The next identifier for which `inUse` is false, or nil when all 65,535 are taken.
    mutating func allocate(inUse: (UInt16) -> Bool) -> UInt16? {
        for _ in 0..<Int(UInt16.max) {
            let candidate = next
            next = next == UInt16.max ? 1 : next + 1
            if !inUse(candidate) { return candidate }
        }
        return nil
    }
}
