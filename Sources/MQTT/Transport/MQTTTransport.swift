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
        do {
            if let caFile = options.caFile {
                tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(caFile))
            }
            if let certificateFile = options.certificateFile {
                tls.certificateChain = try NIOSSLCertificate.fromPEMFile(certificateFile).map { .certificate($0) }
                guard let keyFile = options.keyFile else { throw MQTTClientError.tls(MQTTTLSFailure(reason: .keyMissing)) }
                tls.privateKey = .privateKey(try NIOSSLPrivateKey(file: keyFile, format: .pem))
            }
            if options.insecure { tls.certificateVerification = .none }
            return try NIOSSLContext(configuration: tls)
        } catch let error as MQTTClientError {
            throw error
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

    /// A short human description of a lower-level error.
    static func describe(_ error: any Error) -> String {
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
                return reason.replacingOccurrences(of: "_", with: " ").lowercased()
            }
            return reasons.joined(separator: "; ")
        }
        return "\(error)"
    }

    static func isIPAddress(_ host: String) -> Bool {
        (try? SocketAddress(ipAddress: host, port: 0)) != nil
    }
}
