import Foundation

/// The `hearth` binary built next to the test bundle.
public enum HearthExecutable {
    public static var path: String {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        var candidate = bundle
        // The test binary may sit inside HearthPackageTests.xctest/…; walk up to the build folder.
        for _ in 0..<4 {
            let hearth = candidate.appendingPathComponent("hearth").path
            if FileManager.default.isExecutableFile(atPath: hearth) { return hearth }
            candidate.deleteLastPathComponent()
        }
        return bundle.appendingPathComponent("hearth").path
    }

    /// Runs `hearth` with the arguments and returns its output.
    @discardableResult
    public static func run(_ arguments: [String], input: [UInt8] = [], environment: [String: String] = [:],
                           timeout: Double = 60) async throws -> ChildProcess.Result {
        try await ChildProcess.run([path] + arguments, input: input, environment: environment, timeout: timeout)
    }
}
