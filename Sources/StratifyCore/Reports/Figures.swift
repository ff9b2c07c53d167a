/// Rounding and formatting shared by the metrics and the reports, so a figure reads the same everywhere.
enum Figures {
  /// `part / whole` rounded to 4 decimals (0.6667); nil when `whole` is 0.
  static func share(_ part: Int, of whole: Int) -> Double? {
    whole == 0 ? nil : rounded(Double(part) / Double(whole), places: 4)
  }

  /// `count` per 1,000 of `population`, rounded to 1 decimal; nil for an empty population.
  static func perThousand(_ count: Int, of population: Int) -> Double? {
    population == 0 ? nil : rounded(Double(count) * 1000 / Double(population), places: 1)
  }

  static func rounded(_ value: Double, places: Int) -> Double {
    var scale = 1.0
    for _ in 0..<places { scale *= 10 }
    return (value * scale).rounded() / scale
  }

  /// 12345 → "12,345".
  static func grouped(_ n: Int) -> String {
    let digits = String(n.magnitude)
    var out = ""
    for (i, c) in digits.enumerated() {
      if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
      out.append(c)
    }
    return (n < 0 ? "−" : "") + out
  }

  /// 0.04567 → "4.6%"; nil → "—".
  static func percent(_ share: Double?, places: Int = 1) -> String {
    guard let share else { return "—" }
    return fixed(share * 100, places: places) + "%"
  }

  /// A change for a headline: "+3", "−2", "±0"; nil → "".
  static func delta(_ n: Int?) -> String {
    guard let n else { return "" }
    return n > 0 ? "+" + grouped(n) : n < 0 ? grouped(n) : "±0"
  }

  /// A change in percentage points: "+1.5 pts", "−0.3 pts".
  static func pointsDelta(_ now: Double?, _ before: Double?) -> String {
    guard let now, let before else { return "" }
    let d = rounded((now - before) * 100, places: 1)
    return d > 0 ? "+\(fixed(d, places: 1)) pts" : d < 0 ? "−\(fixed(-d, places: 1)) pts" : "±0 pts"
  }

  /// 1500.04 → "1,500.0".
  static func groupedDecimal(_ value: Double, places: Int) -> String {
    let text = fixed(value, places: places)
    let negative = text.hasPrefix("−")
    let body = negative ? String(text.dropFirst()) : text
    let parts = body.split(separator: ".", maxSplits: 1)
    let whole = grouped(Int(parts[0]) ?? 0)
    return (negative ? "−" : "") + whole + (parts.count > 1 ? "." + parts[1] : "")
  }

  /// A decimal with exactly `places` digits after the point, without locale or exponent.
  static func fixed(_ value: Double, places: Int) -> String {
    let r = rounded(value, places: places)
    let negative = r < 0
    var scale = 1
    for _ in 0..<places { scale *= 10 }
    let scaled = Int((abs(r) * Double(scale)).rounded())
    let whole = scaled / scale
    let fraction = scaled % scale
    var text = String(whole)
    if places > 0 {
      let f = String(fraction)
      text += "." + String(repeating: "0", count: places - f.count) + f
    }
    return (negative && scaled != 0 ? "−" : "") + text
  }
}
