import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Secure random words for tags, branches, Call-IDs and call ids, drawn from the kernel in
/// blocks: one `getrandom` system call fills 32 words (about two calls' worth).
///
/// Why not the standard library's or swift-crypto's generator: on Linux both end in one
/// `getrandom` per 8 bytes (swift-crypto's `SymmetricKey(size:)` fills its bytes through
/// `SystemRandomNumberGenerator`), which cost about 17 system calls per call at 1,000 calls/s.
/// Why not `UUID()`: it opens `/dev/urandom` and returns zeros when descriptors run out.
/// `getentropy` needs no file. Each word is handed out once.
public final class RandomWords: Sendable {
    public static let shared = RandomWords()

    static let blockSize = 256

    private struct Block {
        var words = [UInt64](repeating: 0, count: RandomWords.blockSize)
        var next = RandomWords.blockSize
    }

    private let block = Mutex(Block())

    public func next() -> UInt64 {
        block.withLock { block in
            if block.next == block.words.count {
                block.words.withUnsafeMutableBytes { Self.fill($0) }
                block.next = 0
            }
            defer { block.next += 1 }
            return block.words[block.next]
        }
    }

    /// Fills `buffer` from the kernel's generator, 256 bytes per `getentropy` (one `getrandom`
    /// system call each). It blocks only before the kernel's pool is first seeded (early
    /// boot), which is what a secure identifier needs.
    static func fill(_ buffer: UnsafeMutableRawBufferPointer) {
        var offset = 0
        while offset < buffer.count {
            let length = min(256, buffer.count - offset)
            guard getentropy(buffer.baseAddress! + offset, length) == 0 else {
                // Only ENOSYS (a kernel before 3.17) or EFAULT: nothing sensible to fall back to.
                fatalError("getentropy failed: errno \(errno)")
            }
            offset += length
        }
    }
}

/// The same words as a `RandomNumberGenerator`, for `random(in:using:)` where an identifier
/// needs a range (SDP session ids, a dialog's first CSeq) without a system call each.
public struct RandomWordsGenerator: RandomNumberGenerator {
    public init() {}

    public mutating func next() -> UInt64 { RandomWords.shared.next() }
}
