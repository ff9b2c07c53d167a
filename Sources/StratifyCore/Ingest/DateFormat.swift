/// How dates are written in an extract: tokens `YYYY`, `MM`, `DD` (exactly 4/2/2 digits), `M`, `D` (1–2 digits),
/// and literal separators. A time after the date (`T` or a space, then `HH:MM[:SS[.fff]][zone]`, see
/// `Day.isTime`) is checked and ignored.
public struct DateFormat: Sendable, Equatable, CustomStringConvertible {
  enum Token: Sendable, Equatable {
    case year, month2, day2, month, day
    case literal(UInt8)
  }

  /// The contract's `YYYY-MM-DD` (with the ISO timestamp form accepted).
  public static let iso = try! DateFormat(pattern: "YYYY-MM-DD")

  public let pattern: String
  let tokens: [Token]
  private let isISO: Bool

  /// Compiles `pattern`; the error text says what is wrong with it.
  public init(pattern: String) throws(DateFormatError) {
    var tokens: [Token] = []
    let chars = Array(pattern.utf8)
    var i = 0
    while i < chars.count {
      let c = chars[i]
      guard Self.isLetter(c) || Day.isDigit(c) || c >= 0x80 else {
        tokens.append(.literal(c))
        i += 1
        continue
      }
      // A run of letters must be made of known tokens (YYYYMMDD is fine); otherwise report the whole run.
      var end = i
      while end < chars.count, Self.isLetter(chars[end]) || Day.isDigit(chars[end]) || chars[end] >= 0x80 { end += 1 }
      var groups: [Token] = []
      var j = i
      while j < end {
        var run = 1
        while j + run < end, chars[j + run] == chars[j] { run += 1 }
        switch (chars[j], run) {
        case (UInt8(ascii: "Y"), 4): groups.append(.year)
        case (UInt8(ascii: "M"), 2): groups.append(.month2)
        case (UInt8(ascii: "M"), 1): groups.append(.month)
        case (UInt8(ascii: "D"), 2): groups.append(.day2)
        case (UInt8(ascii: "D"), 1): groups.append(.day)
        default:
          let token = String(decoding: chars[i..<end], as: UTF8.self)
          throw DateFormatError(
            pattern: pattern, message: "unknown token '\(token)'; use YYYY, MM, DD, M, D and separators")
        }
        j += run
      }
      tokens += groups
      i = end
    }
    for (name, kinds) in [("year (YYYY)", [Token.year]), ("month (MM or M)", [.month2, .month]), ("day (DD or D)", [.day2, .day])] {
      let found = tokens.filter { kinds.contains($0) }.count
      guard found == 1 else {
        throw DateFormatError(pattern: pattern, message: found == 0 ? "no \(name)" : "more than one \(name)")
      }
    }
    self.pattern = pattern
    self.tokens = tokens
    self.isISO = tokens == [.year, .literal(0x2D), .month2, .literal(0x2D), .day2]
  }

  public var description: String { pattern }

  /// `parse(_:)` with the contract's plain `YYYY-MM-DD` read inline (the hot path of ingest).
  @inline(__always) func parseInline(_ bytes: UnsafeBufferPointer<UInt8>) -> Day? {
    if isISO, bytes.count == 10, let day = Day.plainISO(bytes) { return day }
    return parse(bytes)
  }

  /// The day written in `bytes`, or nil when they do not follow the format or name no real date.
  public func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Day? {
    if isISO { return Day.parseISO(bytes) }
    var i = 0
    var year = 0
    var month = 0
    var day = 0
    func digits(min: Int, max: Int) -> Int? {
      var value = 0
      var n = 0
      while n < max, i < bytes.count, Day.isDigit(bytes[i]) {
        value = value * 10 + Int(bytes[i] - 0x30)
        i += 1
        n += 1
      }
      return n >= min ? value : nil
    }
    for token in tokens {
      switch token {
      case .year: guard let v = digits(min: 4, max: 4) else { return nil }; year = v
      case .month2: guard let v = digits(min: 2, max: 2) else { return nil }; month = v
      case .month: guard let v = digits(min: 1, max: 2) else { return nil }; month = v
      case .day2: guard let v = digits(min: 2, max: 2) else { return nil }; day = v
      case .day: guard let v = digits(min: 1, max: 2) else { return nil }; day = v
      case .literal(let c):
        guard i < bytes.count, bytes[i] == c else { return nil }
        i += 1
      }
    }
    // Only a time may follow the date.
    if i < bytes.count { guard Day.isTime(bytes, from: i) else { return nil } }
    return Day(year: year, month: month, day: day)
  }

  private static func isLetter(_ c: UInt8) -> Bool { (c | 0x20) >= UInt8(ascii: "a") && (c | 0x20) <= UInt8(ascii: "z") }

  /// Convenience for tests and configuration checks.
  public func parse(_ text: String) -> Day? {
    var copy = text
    return copy.withUTF8 { parse($0) }
  }
}

/// A date format that cannot be used.
public struct DateFormatError: Error, Equatable, CustomStringConvertible {
  public var pattern: String
  public var message: String
  public var description: String { "invalid date format '\(pattern)': \(message)" }
}
