import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// Opens a channel to the broker and calls `install` on its event loop to set up its pipeline,
/// before the channel becomes active. The client opens sockets; tests open in-memory channels.
package struct MQTTChannelOpener: Sendable {
    package typealias Install = @Sendable (any Channel) throws -> Void
    package let open: @Sendable (_ eventLoop: any EventLoop, _ install: @escaping Install) async throws -> any Channel

    package init(_ open: @escaping @Sendable (_ eventLoop: any EventLoop, _ install: @escaping Install) async throws -> any Channel) {
        self.open = open
    }
}

/// Opens TCP or TLS channels to the broker, with the client's handler installed.
enum MQTTTransport {
    /// Builds the TLS context once per client, so bad files fail early with a clear error.
    static func makeSSLContext(_ options: MQTTTLSOptions) throws(MQTTClientError) -> NIOSSLContext {
        var tls = TLSConfiguration.makeClientConfiguration()
        /// Loads one file; a failure names it, and says "no such file" when it is missing.
        func load<Value>(_ path: String, _ read: (String) throws -> Value) throws(MQTTClientError) -> Value {
            guard FileManager.default.isReadableFile(atPath: path) else {
                let why = FileManager.default.fileExists(atPath: path) ? "permission denied" : "no such file"
                throw .tls(MQTTTLSFailure(reason: .unreadableFiles, file: path, underlying: FileProblem(why)))
            }
            do {
                return try read(path)
            } catch {
                throw .tls(MQTTTLSFailure(reason: .unreadableFiles, file: path, underlying: error))
            }
        }
        if let caFile = options.caFile {
            tls.trustRoots = .certificates(try load(caFile) { try NIOSSLCertificate.fromPEMFile($0) })
        }
        if let certificateFile = options.certificateFile {
            tls.certificateChain = try load(certificateFile) { try NIOSSLCertificate.fromPEMFile($0) }.map { .certificate($0) }
            guard let keyFile = options.keyFile else { throw MQTTClientError.tls(MQTTTLSFailure(reason: .keyMissing)) }
            tls.privateKey = .privateKey(try load(keyFile) { try NIOSSLPrivateKey(file: $0, format: .pem) })
        }
        if options.insecure { tls.certificateVerification = .none }
        do {
            return try NIOSSLContext(configuration: tls)
        } catch {
            throw .tls(MQTTTLSFailure(reason: .unreadableFiles, underlying: error))
        }
    }

    /// Opens TCP channels to `host:port`, failing after `timeout`.
    static func socketOpener(host: String, port: Int, timeout: Duration) -> MQTTChannelOpener {
        MQTTChannelOpener { eventLoop, install in
            let bootstrap = ClientBootstrap(group: eventLoop)
                .connectTimeout(TimeAmount(timeout))
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .channelInitializer { channel in
                    do {
                        try install(channel)
                        return channel.eventLoop.makeSucceededVoidFuture()
                    } catch {
                        return channel.eventLoop.makeFailedFuture(error)
                    }
                }
            return try await bootstrap.connect(host: host, port: port).get()
        }
    }

    /// Puts TLS (when configured) and the MQTT handler on a new channel, on its event loop.
    static func install(on channel: any Channel, sslContext: NIOSSLContext?, serverHostname: String?,
                        handler: MQTTChannelHandler) throws {
        if let sslContext {
            // SNI and host name checks use the name; an IP literal is checked against the IP SAN.
            let tls = try NIOSSLClientHandler(context: sslContext, serverHostname: serverHostname)
            try channel.pipeline.syncOperations.addHandler(tls)
        }
        try channel.pipeline.syncOperations.addHandler(handler)
    }

    /// Turns NIO and TLS errors into one-line client errors.
    static func classify(_ error: any Error, host: String, port: Int) -> MQTTClientError {
        if let error = error as? MQTTClientError { return error }
        if let error = error as? NIOConnectionError {
            if error.connectionErrors.isEmpty, error.dnsAError != nil || error.dnsAAAAError != nil {
                return .unknownHost(host)
            }
            if let first = error.connectionErrors.first { return classify(first.error, host: host, port: port) }
            return .connectionFailed(MQTTConnectionFailure(host: host, port: port, reason: .noAddress, underlying: error))
        }
        if case ChannelError.connectTimeout = error {
            return .connectionFailed(MQTTConnectionFailure(host: host, port: port, reason: .timedOut, underlying: error))
        }
        if error is NIOSSLError || error is BoringSSLError {
            return .tls(MQTTTLSFailure(reason: .handshake, underlying: error))
        }
        if error is SocketAddressError { return .unknownHost(host) }
        return .connectionFailed(MQTTConnectionFailure(host: host, port: port, reason: reason(of: error), underlying: error))
    }

    /// What a socket error means for the user.
    private static func reason(of error: any Error) -> MQTTConnectionFailure.Reason {
        guard let io = error as? IOError else { return .other }
        switch io.errnoCode {
        case ECONNREFUSED: return .refused
        case ETIMEDOUT: return .timedOut
        case EHOSTUNREACH, ENETUNREACH: return .unreachable
        case ECONNRESET, EPIPE, ECONNABORTED: return .reset
        default: return .other
        }
    }

    /// Why a file cannot be read, in words.
    struct FileProblem: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    /// A short human description of a lower-level error.
    static func describe(_ error: any Error) -> String {
        if let problem = error as? FileProblem { return problem.description }
        if let ssl = error as? NIOSSLError, case .failedToLoadCertificate = ssl { return "not a PEM certificate" }
        if let ssl = error as? NIOSSLError, case .failedToLoadPrivateKey = ssl { return "not a PEM private key" }
        if let io = error as? IOError {
            return String(cString: strerror(io.errnoCode)).lowercased()
        }
        if let ssl = error as? NIOSSLError {
            if case let .handshakeFailed(inner) = ssl { return "handshake failed: \(describe(inner))" }
            return "\(ssl)"
        }
        if let boring = error as? BoringSSLError, case let .sslError(stack) = boring {
            // "Error: N error:1000007d:SSL routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED at file:line"
            // becomes "certificate verify failed".
            let reasons = stack.map { entry -> String in
                let text = "\(entry)"
                let message = text.components(separatedBy: " at ").first ?? text
                let reason = message.split(separator: ":").last.map(String.init) ?? message
                return reason.replacingOccurrences(of: "_", with: " ").lowercased().trimmingCharacters(in: .whitespaces)
            }
            return reasons.joined(separator: "; ")
        }
        return "\(error)"
    }

    static func isIPAddress(_ host: String) -> Bool {
        (try? SocketAddress(ipAddress: host, port: 0)) != nil
    }
}
