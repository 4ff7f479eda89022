import Foundation
import NIOCore
import NIOPosix

@testable import VPBXControl

/// Speaks raw bytes to the socket, for inputs the real client would never send.
enum RawConnection {
    static func exchange(path: String, send text: String, expecting count: Int) async throws -> [JSONValue] {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(unixDomainSocketPath: path) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(LineFrameDecoder()))
                    return try NIOAsyncChannel<LineFrame, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(string: text))
            var lines: [JSONValue] = []
            for try await frame in inbound {
                guard case .line(let bytes) = frame else { continue }
                lines.append(try RPCCoding.makeDecoder().decode(JSONValue.self, from: Data(bytes.readableBytesView)))
                if lines.count == count { break }
            }
            return lines
        }
    }
}
