import Foundation

/// 10^x, kept in one place so the analysis files read as formulas.
@inline(__always)
func pow10(_ exponent: Double) -> Double { pow(10, exponent) }
