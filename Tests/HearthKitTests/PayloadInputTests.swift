import Foundation
import HearthKit
import Testing

/// `hearth pub -f` and `-s`: never more than the broker accepts, and a clear line otherwise.
@Suite(.timeLimit(.minutes(1)))
struct PayloadInputTests {
    @Test func aFileIsReadWithinTheLimitAndRefusedBeyondIt() async throws {
        try await withFolder { folder in
            let path = folder + "/payload"
            try Data("0123456789".utf8).write(to: URL(fileURLWithPath: path))
            #expect(try PayloadInput.file(path, limit: 10) == Array("0123456789".utf8))
            #expect(throws: ConfigurationError("\(path) (10 bytes) is larger than the largest packet the broker accepts (9 bytes)")) {
                try PayloadInput.file(path, limit: 9)
            }
            #expect(throws: ConfigurationError("cannot read \(folder): it is a folder")) { try PayloadInput.file(folder, limit: 9) }
            #expect(throws: ConfigurationError("cannot read \(folder)/none: no such file")) { try PayloadInput.file(folder + "/none", limit: 9) }
        }
    }

    @Test func aStreamStopsOneBytePastTheLimit() throws {
        let pipe = Pipe()
        pipe.fileHandleForWriting.write(Data(repeating: 7, count: 5000))
        try pipe.fileHandleForWriting.close()
        #expect(throws: ConfigurationError("standard input is larger than the largest packet the broker accepts (4096 bytes)")) {
            try PayloadInput.stream(pipe.fileHandleForReading, named: "standard input", limit: 4096)
        }
    }
}
