/// Byte-level parsing of field values, straight from the bytes libcsv hands over, so the hot path builds no
/// String for a value it does not keep.
enum FieldBytes {
  @inline(__always) static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0D || c == 0x0A }

  /// The bytes without leading and trailing blanks (libcsv trims unquoted fields; quoted ones may still have
  /// them).
  @inline(__always) static func trimmed(_ b: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
    var start = 0
    var end = b.count
    while start < end, isSpace(b[start]) { start += 1 }
    while end > start, isSpace(b[end - 1]) { end -= 1 }
    if start == 0, end == b.count { return b }
    return UnsafeBufferPointer(rebasing: b[start..<end])
  }

  @inline(__always) static func lower(_ c: UInt8) -> UInt8 { c >= 0x41 && c <= 0x5A ? c | 0x20 : c }

  /// Up to 16 bytes (`b.count` ≤ 16) as two little-endian words, zero-padded: read with a few overlapping loads
  /// that never go past the field (a byte-wise copy into a stack buffer costs a call and a store-forwarding stall
  /// on every row).
  @inline(__always) static func words(_ b: UnsafeBufferPointer<UInt8>) -> (UInt64, UInt64) {
    guard let base = b.baseAddress else { return (0, 0) }
    let p = UnsafeRawPointer(base)
    let n = b.count
    if n >= 8 {
      let low = UInt64(littleEndian: p.loadUnaligned(as: UInt64.self))
      guard n > 8 else { return (low, 0) }
      // The last eight bytes, shifted down over the ones already in `low`.
      let tail = UInt64(littleEndian: p.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self))
      return (low, tail >> UInt64(8 * (16 - n)))
    }
    if n >= 4 {
      let head = UInt64(UInt32(littleEndian: p.loadUnaligned(as: UInt32.self)))
      let tail = UInt64(UInt32(littleEndian: p.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)))
      return (head | tail << UInt64(8 * (n - 4)), 0)
    }
    var low: UInt64 = 0
    for i in 0..<n { low |= UInt64(b[i]) << UInt64(8 * i) }
    return (low, 0)
  }

  /// Whether `b` equals `lowercase` (already lower case) ignoring ASCII case.
  @inline(__always) static func equalsIgnoringCase(_ b: UnsafeBufferPointer<UInt8>, _ lowercase: [UInt8]) -> Bool {
    guard b.count == lowercase.count else { return false }
    for i in 0..<b.count where lower(b[i]) != lowercase[i] { return false }
    return true
  }

  /// A whole number ≥ 0 written with digits only (at most 9, so it fits any Int).
  static func count(_ b: UnsafeBufferPointer<UInt8>) -> Int? {
    guard !b.isEmpty, b.count <= 9 else { return nil }
    var value = 0
    for c in b {
      guard Day.isDigit(c) else { return nil }
      value = value * 10 + Int(c - 0x30)
    }
    return value
  }

  /// Y/N and its usual spellings (y, yes, true, 1; n, no, false, 0), ignoring ASCII case: the bytes lower-cased
  /// into one little-endian word, compared with each spelling's word and length.
  static func yesNo(_ b: UnsafeBufferPointer<UInt8>) -> Bool? {
    guard b.count <= 5 else { return nil }
    var word: UInt64 = 0
    for (k, c) in b.enumerated() { word |= UInt64(lower(c)) << UInt64(8 * k) }
    switch (b.count, word) {
    case (1, 0x79), (3, 0x73_6579), (4, 0x6575_7274), (1, 0x31): return true  // y, yes, true, 1
    case (1, 0x6E), (2, 0x6F6E), (5, 0x65_736C_6166), (1, 0x30): return false  // n, no, false, 0
    default: return nil
    }
  }

  /// One ICD-10-CM code normalized: upper case, dots and blanks removed; nil when nothing is left.
  static func code(_ b: UnsafeBufferPointer<UInt8>) -> String? {
    var out: [UInt8] = []
    out.reserveCapacity(b.count)
    for c in b where c != 0x2E && !isSpace(c) {
      out.append(c >= 0x61 && c <= 0x7A ? c & ~0x20 : c)
    }
    return out.isEmpty ? nil : String(decoding: out, as: UTF8.self)
  }

  /// `;`-separated ICD-10-CM codes, each normalized as `code(_:)` does; empty items dropped. A code never holds a
  /// comma or a bar, so those separate codes too (`E11.9, I50.9`, `E11.9|I50.9`): read as one, the codes would run
  /// together into one that matches only by its first prefix. Spaces do not separate: exports often follow a code
  /// with its description (`E11.9 Type 2 diabetes`), which would become items of their own.
  static func codes(_ b: UnsafeBufferPointer<UInt8>) -> [String] {
    items(b, separatedBy: isListSeparator) { item, out in
      var n = 0
      for c in item where c != 0x2E && !isSpace(c) {
        out[n] = c >= 0x61 && c <= 0x7A ? c & ~0x20 : c
        n += 1
      }
      return n
    }
  }

  /// `;`, `,` or `|`: what separates the items of a list field.
  @inline(__always) static func isListSeparator(_ c: UInt8) -> Bool { c == 0x3B || c == 0x2C || c == 0x7C }

  /// `;`-separated words, trimmed and lower-cased; empty items dropped. A comma or a bar separates items too.
  static func list(_ b: UnsafeBufferPointer<UInt8>) -> [String] {
    items(b, separatedBy: isListSeparator) { item, out in
      let t = trimmed(item)
      for (k, c) in t.enumerated() { out[k] = lower(c) }
      return t.count
    }
  }

  /// The items of `b` between `separator` bytes, each rewritten by `normalize` into a scratch buffer (it returns how
  /// many bytes it wrote, at most the item's), as `String`s; items left empty are dropped. It allocates one array
  /// (room for every item) and the `String`s too long to be stored inline, nothing per item besides: a new list of
  /// codes is parsed on the hot path of patients.csv.
  @inline(__always) private static func items(
    _ b: UnsafeBufferPointer<UInt8>, separatedBy separator: (UInt8) -> Bool,
    _ normalize: (UnsafeBufferPointer<UInt8>, UnsafeMutableBufferPointer<UInt8>) -> Int
  ) -> [String] {
    var result: [String] = []
    var separators = 0
    for c in b where separator(c) { separators += 1 }
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(b.count, 1)) { out in
      var start = 0
      for i in 0...b.count where i == b.count || separator(b[i]) {
        let n = normalize(UnsafeBufferPointer(rebasing: b[start..<i]), out)
        if n > 0 {
          // Room for every item left at the first one kept (a list of empty items stays without storage).
          if result.capacity == 0 { result.reserveCapacity(separators + 1) }
          result.append(String(decoding: UnsafeBufferPointer(rebasing: out[0..<n]), as: UTF8.self))
        }
        start = i + 1
      }
    }
    return result
  }

  /// A value as it may appear in a reject reason: at most 40 characters.
  static func quote(_ b: UnsafeBufferPointer<UInt8>) -> String {
    let text = String(decoding: b, as: UTF8.self)
    return "'" + (text.count > 40 ? String(text.prefix(40)) + "…" : text) + "'"
  }

  /// The offending value for a reject reason (` 'value'`), or nothing: the one place that applies the rule that
  /// reasons never quote names, phones, birth dates or diagnoses. Nothing for a PHI column, for any column of
  /// patients.csv (`quotesValues`), and for a value with both letters and digits, which may be a diagnosis code
  /// from a shifted column (`Z12.31` in event_date). What is left — `ER`, `2026-02-30`, `-3` in utilization or
  /// discharges, files without names, phones or birth dates — is what a data steward needs to write a mapping.
  static func shown(_ b: UnsafeBufferPointer<UInt8>, of spec: ColumnSpec) -> String {
    guard spec.quotesValues else { return "" }
    var letters = false
    var digits = false
    for c in b {
      if c >= 0x30 && c <= 0x39 { digits = true } else if (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7A { letters = true }
    }
    return letters && digits ? "" : " " + quote(b)
  }
}

/// Matches a field against the values of a contract enumeration (case-insensitively), plus the source values a
/// mapping translates into them, without building a String.
struct EnumMatcher<Value: RawRepresentable & CaseIterable & Sendable>: Sendable where Value.RawValue == String {
  /// Accepted spellings (lower case) of up to 16 bytes packed into two words with their length, compared as
  /// integers; longer ones (only possible through a value map) are compared byte by byte.
  private let packed: [(low: UInt64, high: UInt64, count: Int, value: Value)]
  private let long: [([UInt8], Value)]

  /// `valueMap` maps lower-cased source values to contract raw values (checked when the configuration loads).
  init(valueMap: [String: String]? = nil) {
    var entries = Value.allCases.map { (Array($0.rawValue.utf8), $0) }
    for (source, target) in (valueMap ?? [:]).sorted(by: { $0.key < $1.key }) {
      if let value = Value(rawValue: target) { entries.append((Array(source.utf8), value)) }
    }
    packed = entries.compactMap { text, value in
      guard text.count <= 16 else { return nil }
      let (low, high) = text.withUnsafeBufferPointer { Self.pack($0) }
      return (low, high, text.count, value)
    }
    long = entries.filter { $0.0.count > 16 }
  }

  /// The bytes lower-cased into two little-endian words, zero-padded (`b.count` ≤ 16).
  @inline(__always) private static func pack(_ b: UnsafeBufferPointer<UInt8>) -> (UInt64, UInt64) {
    let (low, high) = FieldBytes.words(b)
    return (lower(low), lower(high))
  }

  /// ASCII upper-case letters lower-cased in all eight bytes at once; other bytes (including non-ASCII) unchanged.
  @inline(__always) static func lower(_ w: UInt64) -> UInt64 {
    let ones: UInt64 = 0x0101_0101_0101_0101
    let seven = w & (ones &* 0x7F)
    // High bit set in a byte when its low seven bits are at least 'A' and not above 'Z', and the byte is ASCII.
    let upper = (seven &+ ones &* (0x80 - 0x41)) & ~(seven &+ ones &* (0x80 - 0x5B)) & ~w & (ones &* 0x80)
    return w | (upper >> 2)
  }

  @inline(__always) func match(_ b: UnsafeBufferPointer<UInt8>) -> Value? {
    if b.count <= 16 {
      let (low, high) = Self.pack(b)
      for entry in packed where entry.low == low && entry.high == high && entry.count == b.count {
        return entry.value
      }
      return nil
    }
    for (text, value) in long where FieldBytes.equalsIgnoringCase(b, text) { return value }
    return nil
  }

  /// The contract values, for messages.
  static var allowed: String { Value.allCases.map(\.rawValue).joined(separator: ", ") }
}
