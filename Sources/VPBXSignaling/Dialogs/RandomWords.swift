import Crypto
import Synchronization

/// Secure random words drawn in blocks, from swift-crypto's generator (BoringSSL's, seeded by
/// the kernel, no file involved): drawing each tag, branch and call id from the system
/// generator cost one or two `getrandom` system calls each, about ten per call. Each word is
/// handed out once.
public final class RandomWords: Sendable {
    public static let shared = RandomWords()

    static let blockSize = 32

    private struct Block {
        var words = [UInt64](repeating: 0, count: RandomWords.blockSize)
        var next = RandomWords.blockSize
    }

    private let block = Mutex(Block())

    public func next() -> UInt64 {
        block.withLock { block in
            if block.next == block.words.count {
                Self.refill(&block.words)
                block.next = 0
            }
            defer { block.next += 1 }
            return block.words[block.next]
        }
    }

    private static func refill(_ words: inout [UInt64]) {
        let bytes = SymmetricKey(size: SymmetricKeySize(bitCount: blockSize * 64))
        bytes.withUnsafeBytes { source in
            words.withUnsafeMutableBytes { target in target.copyMemory(from: source) }
        }
    }
}
