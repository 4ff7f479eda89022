extension Substring {
    /// Splits at an ASCII separator by byte. SDP fields are ASCII-separated; splitting by
    /// Character would run grapheme breaking over every byte of every body.
    ///
    /// Same result as `utf8.split(separator:maxSplits:omittingEmptySubsequences:)`, built in one
    /// array sized by a first count of the separators: the standard split grows its result and
    /// then mapping it makes a second array, several allocations per SDP line.
    func splitASCII(_ separator: Unicode.Scalar, maxSplits: Int = .max, omittingEmptySubsequences: Bool) -> [Substring] {
        precondition(maxSplits >= 0, "maxSplits must not be negative")
        let byte = UInt8(ascii: separator)
        let bytes = self.utf8
        var separators = 0
        for candidate in bytes where candidate == byte { separators += 1 }
        var parts: [Substring] = []
        parts.reserveCapacity(Swift.min(separators, maxSplits) + 1)
        var start = bytes.startIndex
        var index = bytes.startIndex
        var splits = 0
        while index < bytes.endIndex, splits < maxSplits {
            if bytes[index] == byte {
                if !(omittingEmptySubsequences && start == index) {
                    parts.append(self[start..<index])
                    splits += 1
                }
                start = bytes.index(after: index)
            }
            index = bytes.index(after: index)
        }
        if !(omittingEmptySubsequences && start == bytes.endIndex) {
            parts.append(self[start..<bytes.endIndex])
        }
        return parts
    }
}
