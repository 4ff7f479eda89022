import VPBXRTP

extension DTMFDigit {
    /// The ITU-T Q.23 row (low group) frequencies in Hz.
    public static let rowFrequencies: [Double] = [697, 770, 852, 941]
    /// The ITU-T Q.23 column (high group) frequencies in Hz.
    public static let columnFrequencies: [Double] = [1209, 1336, 1477, 1633]

    /// The keypad layout, row by row, matching the frequency tables.
    static let keypad: [[DTMFDigit]] = [
        [.one, .two, .three, .a],
        [.four, .five, .six, .b],
        [.seven, .eight, .nine, .c],
        [.star, .zero, .pound, .d],
    ]

    /// The key at `row` and `column` of the keypad (both 0...3).
    static func at(row: Int, column: Int) -> DTMFDigit { keypad[row][column] }

    /// The low (row) and high (column) frequency of the key.
    public var frequencies: (low: Double, high: Double) {
        for (row, keys) in Self.keypad.enumerated() {
            if let column = keys.firstIndex(of: self) {
                return (Self.rowFrequencies[row], Self.columnFrequencies[column])
            }
        }
        preconditionFailure("every DTMFDigit is on the keypad")
    }
}
