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

/// `hearth pub -l`'s reader: lines as they come, a long stream read once, a line over the limit refused.
@Suite(.timeLimit(.minutes(1)))
struct LineReaderTests {
    static func reader(_ bytes: [UInt8], limit: Int) throws -> LineReader {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-lines-\(UUID().uuidString)")
        try Data(bytes).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        return LineReader(try FileHandle(forReadingFrom: file), limit: limit)
    }

    @Test func linesEmptyLinesALastLineWithoutNewlineAndManyLines() throws {
        var reader = try Self.reader(Array("a\n\nb\r\nc".utf8), limit: 100)
        var lines: [String] = []
        while let line = try reader.next() { lines.append(String(decoding: line, as: UTF8.self)) }
        #expect(lines == ["a", "", "b\r", "c"])
        // 200,000 short lines across many reads: each comes once, in order.
        var many = try Self.reader(Array((0..<200_000).map { "\($0)\n" }.joined().utf8), limit: 100)
        var count = 0
        while let line = try many.next() {
            #expect(String(decoding: line, as: UTF8.self) == "\(count)")
            count += 1
        }
        #expect(count == 200_000)
    }

    @Test func aLineOverTheLimitIsRefusedWithItsNumber() throws {
        var reader = try Self.reader(Array(("ok\n" + String(repeating: "x", count: 300) + "\nnext\n").utf8), limit: 100)
        #expect(try reader.next() == Array("ok".utf8))
        #expect { try reader.next() } throws: { "\($0)".contains("line 2 of standard input is larger than") }
    }
}
