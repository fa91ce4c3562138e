import Foundation
import MQTT
import NIOCore
import NIOPosix
import NIOSSL

/// A TLS front for a plain listener, as a reverse proxy puts one before a broker: it accepts TLS
/// with a certificate from a throwaway test CA, and passes the bytes to `127.0.0.1:target`.
public final class TLSProxy: Sendable {
    public let port: Int
    /// The CA that signed the proxy's certificate (for `--cafile`).
    public let caFile: String

    private init(port: Int, caFile: String) {
        self.port = port
        self.caFile = caFile
    }

    /// Runs `body` with a proxy in front of `target`, closed however `body` ends.
    public static func with<Result>(target: Int, _ body: (TLSProxy) async throws -> Result) async throws -> Result {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-tls-proxy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try await Mosquitto.makeCertificates(in: directory)
        let certificate = try NIOSSLCertificate.fromPEMFile(directory.appendingPathComponent("server.crt").path)
        let key = try NIOSSLPrivateKey(file: directory.appendingPathComponent("server.key").path, format: .pem)
        let context = try NIOSSLContext(configuration: .makeServerConfiguration(certificateChain: certificate.map { .certificate($0) },
                                                                                privateKey: .privateKey(key)))
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { inbound in
                // Connect to the target first, then glue the two channels together; reading
                // starts once the initializer is done, with both ends in place.
                ClientBootstrap(group: inbound.eventLoop).connect(host: "127.0.0.1", port: target).flatMap { outbound in
                    inbound.eventLoop.makeCompletedFuture {
                        let (inboundGlue, outboundGlue) = Glue.pair(inbound: inbound, outbound: outbound)
                        try inbound.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context))
                        try inbound.pipeline.syncOperations.addHandler(inboundGlue)
                        try outbound.pipeline.syncOperations.addHandler(outboundGlue)
                    }
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let proxy = TLSProxy(port: channel.localAddress?.port ?? 0, caFile: directory.appendingPathComponent("ca.crt").path)
        return try await withCleanup({ try await body(proxy) }, cleanup: { try? await channel.close() })
    }
}

/// Passes what one channel reads to the other, and closes both together.
private final class Glue: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let other: any Channel

    private init(other: any Channel) {
        self.other = other
    }

    static func pair(inbound: any Channel, outbound: any Channel) -> (Glue, Glue) {
        (Glue(other: outbound), Glue(other: inbound))
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        other.write(unwrapInboundIn(data), promise: nil)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        other.flush()
    }

    func channelInactive(context: ChannelHandlerContext) {
        other.close(promise: nil)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
