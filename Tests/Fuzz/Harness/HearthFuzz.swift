import Foundation

/// libFuzzer's driver for Hearth's parsers. `bench/fuzz.sh` builds this target with
/// `-sanitize=fuzzer,address` and links libFuzzer's driver in; `HEARTH_FUZZ` selects the target.
/// An ordinary build has no driver and says so.
@main
enum HearthFuzz {
    typealias Callback = @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
    typealias Driver = @convention(c) (UnsafeMutablePointer<CInt>, UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                                       Callback) -> CInt

    static func main() {
        guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "LLVMFuzzerRunDriver") else {
            FileHandle.standardError.write(Data("hearth-fuzz: built without libFuzzer; run bench/fuzz.sh\n".utf8))
            exit(2)
        }
        let driver = unsafeBitCast(symbol, to: Driver.self)
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(driver(&argc, &argv, fuzzOneInput))
    }
}

/// What this run fuzzes, read once.
let fuzzTarget = FuzzTarget(rawValue: ProcessInfo.processInfo.environment["HEARTH_FUZZ"] ?? "") ?? .packets

/// One input: an exception-free return is a pass; a crash, a trap, a leak or a hang is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzOneInput(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = start.map { Array(UnsafeBufferPointer(start: $0, count: count)) } ?? []
    fuzzTarget.run(bytes)
    return 0
}
