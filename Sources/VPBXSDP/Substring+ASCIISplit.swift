extension Substring {
    /// Splits at an ASCII separator by byte. SDP fields are ASCII-separated; splitting by
    /// Character would run grapheme breaking over every byte of every body.
    func splitASCII(_ separator: Unicode.Scalar, maxSplits: Int = .max, omittingEmptySubsequences: Bool) -> [Substring] {
        utf8.split(
            separator: UInt8(ascii: separator), maxSplits: maxSplits, omittingEmptySubsequences: omittingEmptySubsequences
        ).map { Substring($0) }
    }
}
