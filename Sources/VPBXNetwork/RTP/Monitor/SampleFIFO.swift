import VPBXRTP

/// Decoded audio from one source waiting for the mixer's next 20 ms frame.
///
/// Bounded: a source that sends faster than the mixer's clock (clock drift, a burst after a
/// network stall) loses its oldest samples instead of growing the delay without end. Until a
/// whole frame is there the mixer gets silence from this source, which absorbs the jitter of
/// packets arriving just after a tick.
struct SampleFIFO {
    private var storage: [Int16]
    private var head = 0
    private(set) var count = 0
    /// Samples dropped because the FIFO was full.
    private(set) var overflowed = 0

    init(capacity: Int) {
        self.storage = Array(repeating: 0, count: capacity)
    }

    var capacity: Int { storage.count }

    mutating func append(_ sample: Int16) {
        if count == storage.count {
            head = (head + 1) % storage.count
            count -= 1
            overflowed += 1
        }
        storage[(head + count) % storage.count] = sample
        count += 1
    }

    /// Moves the oldest `frame.count` samples into `frame`, or fills it with silence and
    /// returns false when fewer are waiting.
    mutating func pop(into frame: inout [Int16]) -> Bool {
        guard count >= frame.count else {
            for index in frame.indices { frame[index] = 0 }
            return false
        }
        for index in frame.indices {
            frame[index] = storage[head]
            head = (head + 1) % storage.count
        }
        count -= frame.count
        return true
    }

    /// Appends a G.711 payload decoded in `law`, in at most two runs of the ring (a recorder
    /// gets 160 samples a packet from every recorded phone: no per-sample index arithmetic).
    mutating func append(decoding payload: UnsafeRawBufferPointer, law: G711.Law) {
        let capacity = storage.count
        var input = payload
        if input.count > capacity { input = UnsafeRawBufferPointer(rebasing: input[(input.count - capacity)...]) }
        let overflow = max(0, count + input.count - capacity)
        if overflow > 0 {
            head = (head + overflow) % capacity
            count -= overflow
            overflowed += overflow
        }
        let tail = (head + count) % capacity
        let first = min(input.count, capacity - tail)
        storage.withUnsafeMutableBufferPointer { ring in
            G711.decode(
                law, UnsafeRawBufferPointer(rebasing: input[..<first]),
                into: UnsafeMutableBufferPointer(rebasing: ring[tail..<(tail + first)]))
            if first < input.count {
                G711.decode(
                    law, UnsafeRawBufferPointer(rebasing: input[first...]),
                    into: UnsafeMutableBufferPointer(rebasing: ring[0..<(input.count - first)]))
            }
        }
        count += input.count
    }

    /// Moves the oldest `samples` into every `stride`-th place of `output` from `offset` (one
    /// channel of an interleaved frame), or leaves `output` as it is and returns false when
    /// fewer are waiting.
    mutating func pop(_ samples: Int, into output: UnsafeMutableBufferPointer<Int16>, offset: Int, stride: Int) -> Bool {
        guard count >= samples else { return false }
        let capacity = storage.count
        storage.withUnsafeBufferPointer { ring in
            var from = head
            var to = offset
            for _ in 0..<samples {
                output[to] = ring[from]
                from += 1
                if from == capacity { from = 0 }
                to += stride
            }
        }
        head = (head + samples) % capacity
        count -= samples
        return true
    }

    mutating func removeAll() {
        head = 0
        count = 0
    }
}

extension Array where Element == Int16 {
    /// `self + other`, clipped to 16 bits: two voices summed, the way conference mixers do
    /// for a handful of talkers (no gain control needed at G.711 levels).
    func mixed(with other: [Int16]) -> [Int16] {
        var result = self
        for index in indices {
            let sum = Int32(self[index]) + Int32(other[index])
            result[index] = Int16(clamping: sum)
        }
        return result
    }
}
