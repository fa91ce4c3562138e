import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import NIOWebSocket

/// MQTT over WebSockets: where the HTTP upgrade goes, and what it carries.
public struct MQTTWebSocketOptions: Sendable, Hashable {
    /// One extra HTTP header of the upgrade request (a proxy's token, say).
    public struct Header: Sendable, Hashable {
        /// The header's field name, e.g. `Authorization`.
        public var name: String
        /// The header's field value, sent as is.
        public var value: String
        /// A header to add to the upgrade request.
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// The HTTP path of the upgrade (brokers use `/mqtt`).
    public var path: String
    /// Extra headers sent with the upgrade request, after Host and Sec-WebSocket-Protocol.
    public var headers: [Header]

    /// Where and how to upgrade; a `path` without a leading `/` gets one.
    public init(path: String = "/mqtt", headers: [Header] = []) {
        self.path = path.hasPrefix("/") ? path : "/" + path
        self.headers = headers
    }
}

/// Why a WebSocket upgrade did not happen, in one line.
public struct MQTTWebSocketFailure: Error, Sendable, CustomStringConvertible {
    /// What went wrong, e.g. "ws upgrade refused: 404 Not Found at /mqtt".
    public let description: String
}

extension MQTTTransport {
    /// Opens a TCP (or TLS) connection, upgrades it to a WebSocket with the `mqtt` subprotocol,
    /// and only then installs the client's handler behind the frames handler. TLS, when asked
    /// for, sits below HTTP, so `install` adds no TLS of its own here.
    /// `maximumFrameSize` follows the largest packet the client accepts: a broker may send a
    /// packet in one frame.
    static func webSocketOpener(host: String, port: Int, tls: MQTTTLSOptions?, options: MQTTWebSocketOptions,
                                timeout: Duration, maximumFrameSize: Int) -> MQTTChannelOpener {
        MQTTChannelOpener { eventLoop, install in
            let sslContext = try tls.map { options throws -> NIOSSLContext in try makeSSLContext(options) }
            let serverHostname = isIPAddress(host) ? nil : host
            let upgraded = eventLoop.makePromise(of: Void.self)
            let bootstrap = ClientBootstrap(group: eventLoop)
                .connectTimeout(TimeAmount(timeout))
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if let sslContext {
                            try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: sslContext, serverHostname: serverHostname))
                        }
                        let upgrader = NIOWebSocketClientUpgrader(maxFrameSize: maximumFrameSize, automaticErrorHandling: true) { channel, response in
                            channel.eventLoop.makeCompletedFuture {
                                // The request's handler has done its part either way.
                                if let request = try? channel.pipeline.syncOperations.context(name: UpgradeRequest.name) {
                                    channel.pipeline.syncOperations.removeHandler(context: request, promise: nil)
                                }
                                // The subprotocol is required (MQTT 5.0 §6): a server that did not agree is not an MQTT server.
                                guard response.headers[canonicalForm: "sec-websocket-protocol"].contains(where: { $0.lowercased() == "mqtt" }) else {
                                    upgraded.fail(MQTTWebSocketFailure(description: "ws upgrade at \(options.path): the server did not accept the mqtt subprotocol"))
                                    channel.close(promise: nil)
                                    return
                                }
                                do {
                                    try channel.pipeline.syncOperations.addHandler(MQTTWebSocketFrames(masking: true))
                                    try install(channel)
                                } catch {
                                    upgraded.fail(error)
                                    throw error
                                }
                                // Only now may MQTT bytes be written.
                                upgraded.succeed(())
                            }
                        }
                        try channel.pipeline.syncOperations.addHTTPClientHandlers(withClientUpgrade: (upgraders: [upgrader], completionHandler: { _ in }))
                        try channel.pipeline.syncOperations.addHandler(
                            UpgradeRequest(host: host, port: port, options: options, tls: sslContext != nil, result: upgraded), name: UpgradeRequest.name)
                    }
                }
            let channel: any Channel
            do {
                channel = try await bootstrap.connect(host: host, port: port).get()
            } catch {
                upgraded.fail(error)
                throw error
            }
            do {
                try await upgraded.futureResult.get()
            } catch {
                channel.close(promise: nil)
                throw error
            }
            return channel
        }
    }
}

/// Sends the upgrade request once connected, and turns any answer other than the upgrade into
/// one line ("ws upgrade refused: 404 Not Found at /mqtt").
private final class UpgradeRequest: ChannelInboundHandler, RemovableChannelHandler {
    static let name = "hearth-ws-upgrade-request"
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    private let host: String
    private let port: Int
    private let options: MQTTWebSocketOptions
    private let tls: Bool
    private let result: EventLoopPromise<Void>
    /// The promise is completed once: a refusal, then the close that follows it.
    private var answered = false

    init(host: String, port: Int, options: MQTTWebSocketOptions, tls: Bool, result: EventLoopPromise<Void>) {
        self.host = host
        self.port = port
        self.options = options
        self.tls = tls
        self.result = result
    }

    func channelActive(context: ChannelHandlerContext) {
        var headers = HTTPHeaders()
        let defaultPort = tls ? 443 : 80
        headers.add(name: "Host", value: port == defaultPort ? host : "\(host):\(port)")
        headers.add(name: "Sec-WebSocket-Protocol", value: "mqtt")
        for header in options.headers { headers.add(name: header.name, value: header.value) }
        let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: options.path, headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // Reached only when the server answered without upgrading.
        if case let .head(response) = unwrapInboundIn(data), !answered {
            answered = true
            result.fail(MQTTWebSocketFailure(description: "ws upgrade refused: \(response.status.code) \(response.status.reasonPhrase) at \(options.path)"))
            context.close(promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if !answered {
            answered = true
            result.fail(error)
        }
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        if !answered {
            answered = true
            result.fail(MQTTWebSocketFailure(description: "ws upgrade at \(options.path): the server closed the connection"))
        }
        context.fireChannelInactive()
    }
}
