extension G711 {
    /// Decodes `min(input.count, output.count)` codes into `output`; returns that count.
    /// Allocates nothing: suitable for the media path.
    @discardableResult
    public static func decode(
        _ law: Law, _ input: UnsafeRawBufferPointer, into output: UnsafeMutableBufferPointer<Int16>
    ) -> Int {
        let count = min(input.count, output.count)
        switch law {
        case .ulaw: for index in 0..<count { output[index] = ulawToLinear(input[index]) }
        case .alaw: for index in 0..<count { output[index] = alawToLinear(input[index]) }
        }
        return count
    }

    /// Encodes `min(input.count, output.count)` samples into `output`; returns that count.
    /// Allocates nothing: suitable for the media path.
    @discardableResult
    public static func encode(
        _ law: Law, _ input: UnsafeBufferPointer<Int16>, into output: UnsafeMutableRawBufferPointer
    ) -> Int {
        let count = min(input.count, output.count)
        switch law {
        case .ulaw: for index in 0..<count { output[index] = linearToUlaw(input[index]) }
        case .alaw: for index in 0..<count { output[index] = linearToAlaw(input[index]) }
        }
        return count
    }

    /// Decodes a whole payload into a new array (for prompts, tests, off the hot path).
    public static func decode(_ law: Law, _ codes: [UInt8]) -> [Int16] {
        codes.map(law.decode)
    }

    /// Encodes samples into a new array (for prompts, tests, off the hot path).
    public static func encode(_ law: Law, _ samples: [Int16]) -> [UInt8] {
        samples.map(law.encode)
    }

    /// Converts a payload from one law to the other through linear PCM (the transcoding a
    /// bridge between a PCMU and a PCMA leg needs); `min` of both counts, in place allowed.
    @discardableResult
    public static func transcode(
        from source: Law, _ input: UnsafeRawBufferPointer, to target: Law, into output: UnsafeMutableRawBufferPointer
    ) -> Int {
        let count = min(input.count, output.count)
        for index in 0..<count { output[index] = target.encode(source.decode(input[index])) }
        return count
    }
}
