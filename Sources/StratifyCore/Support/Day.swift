/// A calendar date as a day number: days since 1970-01-01 in the proleptic Gregorian calendar.
///
/// Every date the pipeline handles is a `Day`: compact (4 bytes), ordered, and free of time zones,
/// so that the same extracts and as-of date always give the same results.
public struct Day: Hashable, Comparable, Sendable, CustomStringConvertible {
  public var number: Int32

  public init(number: Int32) { self.number = number }

  /// Builds a day from a year, month (1–12) and day of month; nil when the date does not exist.
  public init?(year: Int, month: Int, day: Int) {
    guard (1...12).contains(month), day >= 1, day <= Day.daysIn(month: month, year: year), (1...9999).contains(year)
    else { return nil }
    number = Int32(Day.daysFromCivil(year: year, month: month, day: day))
  }

  /// Parses `YYYY-MM-DD`, or a timestamp `YYYY-MM-DDTHH:MM:SS[Z]` truncated to its date.
  public init?(iso text: some StringProtocol) {
    var parsed: Day?
    var copy = String(text)
    copy.withUTF8 { parsed = Day.parseISO($0) }
    guard let parsed else { return nil }
    self = parsed
  }

  public static func < (lhs: Day, rhs: Day) -> Bool { lhs.number < rhs.number }

  public static func + (lhs: Day, rhs: Int) -> Day { Day(number: lhs.number + Int32(rhs)) }
  public static func - (lhs: Day, rhs: Int) -> Day { Day(number: lhs.number - Int32(rhs)) }
  public static func - (lhs: Day, rhs: Day) -> Int { Int(lhs.number) - Int(rhs.number) }

  /// Year, month and day of month.
  public var components: (year: Int, month: Int, day: Int) { Day.civil(fromDays: Int(number)) }

  /// 1 = Monday … 7 = Sunday (ISO 8601).
  public var isoWeekday: Int {
    // 1970-01-01 was a Thursday (4).
    let w = (Int(number) % 7 + 7) % 7  // 0 = Thursday
    return (w + 3) % 7 + 1
  }

  public var isWeekend: Bool { isoWeekday >= 6 }

  /// `YYYY-MM-DD`.
  public var description: String {
    let (y, m, d) = components
    if (0...9999).contains(y) {
      // Ten ASCII digits and dashes written in place: a small string, no allocation (tens of thousands a night).
      return String(unsafeUninitializedCapacity: 10) { out in
        let zero = UInt8(ascii: "0")
        out[0] = zero + UInt8(y / 1000)
        out[1] = zero + UInt8(y / 100 % 10)
        out[2] = zero + UInt8(y / 10 % 10)
        out[3] = zero + UInt8(y % 10)
        out[4] = UInt8(ascii: "-")
        out[5] = zero + UInt8(m / 10)
        out[6] = zero + UInt8(m % 10)
        out[7] = UInt8(ascii: "-")
        out[8] = zero + UInt8(d / 10)
        out[9] = zero + UInt8(d % 10)
        return 10
      }
    }
    return String(repeating: "0", count: max(0, 4 - String(y).count)) + String(y) + "-" + (m < 10 ? "0" : "")
      + String(m) + "-" + (d < 10 ? "0" : "") + String(d)
  }

  /// Adds calendar months, clamping the day to the end of a shorter month (Jan 31 + 1 month = Feb 28/29).
  public func addingMonths(_ months: Int) -> Day {
    let (y, m, d) = components
    let total = y * 12 + (m - 1) + months
    let ny = total / 12
    let nm = total % 12 + 1
    return Day(year: ny, month: nm, day: min(d, Day.daysIn(month: nm, year: ny))) ?? self
  }

  /// Whole years from `self` to `other` (age on `other` for a birth date `self`); negative when `other` is earlier.
  public func wholeYears(until other: Day) -> Int {
    let (y1, m1, d1) = components
    let (y2, m2, d2) = other.components
    var years = y2 - y1
    if other >= self {
      if (m2, d2) < (m1, d1) { years -= 1 }
    } else {
      if (m2, d2) > (m1, d1) { years += 1 }
    }
    return years
  }

  public static func isLeap(_ year: Int) -> Bool { (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 }

  public static func daysIn(month: Int, year: Int) -> Int {
    switch month {
    case 2: return isLeap(year) ? 29 : 28
    case 4, 6, 9, 11: return 30
    default: return 31
    }
  }

  /// Howard Hinnant's days_from_civil.
  static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400
    let mp = (month + 9) % 12
    let doy = (153 * mp + 2) / 5 + day - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    return era * 146097 + doe - 719468
  }

  static func civil(fromDays z0: Int) -> (Int, Int, Int) {
    let z = z0 + 719468
    let era = (z >= 0 ? z : z - 146096) / 146097
    let doe = z - era * 146097
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
    let y = yoe + era * 400
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let d = doy - (153 * mp + 2) / 5 + 1
    let m = mp < 10 ? mp + 3 : mp - 9
    return (m <= 2 ? y + 1 : y, m, d)
  }

  /// Parses ISO bytes without allocating: `YYYY-MM-DD` optionally followed by `T…` or ` …` (a time, ignored).
  public static func parseISO(_ b: UnsafeBufferPointer<UInt8>) -> Day? {
    if b.count == 10, let day = plainISO(b) { return day }
    guard b.count >= 10, b[4] == 0x2D, b[7] == 0x2D else { return nil }
    if b.count > 10 { guard isTime(b, from: 10) else { return nil } }
    guard let y = digits(b, 0, 4), let m = digits(b, 5, 2), let d = digits(b, 8, 2) else { return nil }
    return Day(year: y, month: m, day: d)
  }

  /// Whether `b[start...]` is a time of day after a date, and nothing else: `T` or spaces, the hour (one or two
  /// digits: 0–23, or 1–12 before AM/PM), `:MM`, optional `:SS` (00–60) with an optional fraction (`.123`, `,5`),
  /// optional `AM`/`PM`, then an optional zone — `Z`, `UTC`, `GMT`, `±HH`, `±HH:MM` or `±HHMM` — with or without a
  /// space before it. ISO 8601 and what exports commonly write (`2026-11-20T08:05:00Z`, `11/20/2026 8:05 PM`,
  /// `2026-11-20 08:05:00 +00:00`). A timestamp counts as its date: the time is checked, not used.
  static func isTime(_ b: UnsafeBufferPointer<UInt8>, from start: Int) -> Bool {
    var i = start
    guard i < b.count, b[i] == 0x54 || b[i] == 0x20 else { return false }
    if b[i] == 0x54 { i += 1 } else { skipSpaces(b, &i) }
    func number(digits: ClosedRange<Int>, atMost limit: Int) -> Int? {
      var value = 0
      var n = 0
      while n < digits.upperBound, i < b.count, isDigit(b[i]) {
        value = value * 10 + Int(b[i] - 0x30)
        i += 1
        n += 1
      }
      return digits.contains(n) && value <= limit ? value : nil
    }
    func take(_ c: UInt8) -> Bool {
      guard i < b.count, b[i] == c else { return false }
      i += 1
      return true
    }
    func takeWord(_ word: String) -> Bool {
      let w = Array(word.utf8)
      guard i + w.count <= b.count, (0..<w.count).allSatisfy({ b[i + $0] | 0x20 == w[$0] | 0x20 }) else { return false }
      i += w.count
      return true
    }
    guard let hour = number(digits: 1...2, atMost: 23), take(0x3A), number(digits: 2...2, atMost: 59) != nil
    else { return false }
    if take(0x3A) {
      guard number(digits: 2...2, atMost: 60) != nil else { return false }
      if take(0x2E) || take(0x2C) {
        guard number(digits: 1...9, atMost: Int.max) != nil else { return false }
        while i < b.count, isDigit(b[i]) { i += 1 }
      }
    }
    skipSpaces(b, &i)
    if takeWord("AM") || takeWord("PM") {
      guard (1...12).contains(hour) else { return false }
      skipSpaces(b, &i)
    }
    if take(0x5A) || takeWord("UTC") || takeWord("GMT") { return i == b.count }
    if take(0x2B) || take(0x2D) {
      guard number(digits: 2...2, atMost: 23) != nil else { return false }
      if i == b.count { return true }
      _ = take(0x3A)
      guard number(digits: 2...2, atMost: 59) != nil else { return false }
    }
    return i == b.count
  }

  private static func skipSpaces(_ b: UnsafeBufferPointer<UInt8>, _ i: inout Int) {
    while i < b.count, b[i] == 0x20 { i += 1 }
  }

  @inline(__always) static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }

  /// The first year of `monthStarts`.
  private static let tableYear = 1900
  /// The day number of the first of each month from January 1900 to January 2156, index (year − 1900) × 12 +
  /// month − 1: a month's length is the difference to the next entry.
  private static let monthStarts: [Int32] = (0...(256 * 12)).map { i in
    Int32(daysFromCivil(year: tableYear + i / 12, month: i % 12 + 1, day: 1))
  }

  /// The hot path of ingest: exactly `YYYY-MM-DD`, a year in 1900–2155 and a real date, read with one table
  /// lookup; nil for anything else, which `parseISO` then decides the long way (so nil never means invalid here).
  @inline(__always) static func plainISO(_ b: UnsafeBufferPointer<UInt8>) -> Day? {
    let y0 = b[0] &- 0x30
    let y1 = b[1] &- 0x30
    let y2 = b[2] &- 0x30
    let y3 = b[3] &- 0x30
    let m0 = b[5] &- 0x30
    let m1 = b[6] &- 0x30
    let d0 = b[8] &- 0x30
    let d1 = b[9] &- 0x30
    guard b[4] == 0x2D, b[7] == 0x2D, max(max(max(y0, y1), max(y2, y3)), max(max(m0, m1), max(d0, d1))) <= 9 else {
      return nil
    }
    let year = Int(y0) * 1000 + Int(y1) * 100 + Int(y2) * 10 + Int(y3)
    let month = Int(m0) * 10 + Int(m1)
    let day = Int32(d0) * 10 + Int32(d1)
    let index = (year - tableYear) * 12 + month - 1
    guard month >= 1, month <= 12, index >= 0, index < 256 * 12 else { return nil }
    return monthStarts.withUnsafeBufferPointer { starts in
      let first = starts[index]
      guard day >= 1, day <= starts[index + 1] - first else { return nil }
      return Day(number: first + day - 1)
    }
  }

  @inline(__always) static func digits(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ count: Int) -> Int? {
    var v = 0
    for i in start..<(start + count) {
      let c = b[i]
      guard isDigit(c) else { return nil }
      v = v * 10 + Int(c - 0x30)
    }
    return v
  }
}
