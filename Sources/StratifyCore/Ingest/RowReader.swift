/// Typed access to the fields of one data record, applying the extract's mapping. Every accessor validates;
/// a value that breaks the contract throws a `FieldProblem` whose reason quotes the value only when the column
/// is not PHI.
struct RowReader {
  let record: CSVRecord
  let dateFormat: DateFormat

  var line: Int { record.line }

  /// The trimmed bytes of a column, after its value map; nil when the header lacks the column.
  @inline(__always)
  private func withValue<R>(_ column: BoundColumn?, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R? {
    guard let column else { return nil }
    let raw = FieldBytes.trimmed(record.bytes(at: column.index))
    if let map = column.valueMap, !raw.isEmpty,
      var mapped = map[String(decoding: raw.map(FieldBytes.lower), as: UTF8.self)]
    {
      return try mapped.withUTF8 { try body($0) }
    }
    return try body(raw)
  }

  /// The key of a patient id column's trimmed bytes; nil when it has none or the column has a value map (a
  /// mapped value is looked up as text).
  @inline(__always) func shortPatientID(_ column: BoundColumn) -> ShortPatientID? {
    guard column.valueMap == nil else { return nil }
    return ShortPatientID(FieldBytes.trimmed(record.bytes(at: column.index)))
  }

  /// Free text, trimmed; nil when absent or empty.
  func text(_ column: BoundColumn?) -> String? {
    withValue(column) { $0.isEmpty ? nil : String(decoding: $0, as: UTF8.self) } ?? nil
  }

  /// Free text that must be present.
  func requiredText(_ column: BoundColumn) throws -> String {
    guard let value = text(column) else { throw missing(column) }
    return value
  }

  /// Adds the column's `text(_:)` to `packer` from its bytes (a `String` only for a column with a value map).
  func pack(_ column: BoundColumn?, into packer: inout PatientTexts.Packer) {
    guard let column, column.valueMap == nil else {
      if var value = text(column) { value.withUTF8 { packer.add($0) } } else { packer.add(nil) }
      return
    }
    let raw = FieldBytes.trimmed(record.bytes(at: column.index))
    packer.add(raw.isEmpty ? nil : raw)
  }

  /// `pack(_:into:)` for a column that must be present.
  func packRequired(_ column: BoundColumn, into packer: inout PatientTexts.Packer) throws {
    guard column.valueMap == nil else {
      guard var value = text(column) else { throw missing(column) }
      value.withUTF8 { packer.add($0) }
      return
    }
    let raw = FieldBytes.trimmed(record.bytes(at: column.index))
    if raw.isEmpty { throw missing(column) }
    packer.add(raw)
  }

  /// A date; nil when absent or empty (unknown, never zero).
  func date(_ column: BoundColumn?) throws -> Day? {
    try withValue(column) { b -> Day? in
      if b.isEmpty { return nil }
      guard let day = dateFormat.parse(b) else {
        let shown = FieldBytes.shown(b, of: column!.spec)
        throw FieldProblem(
          category: .unparseableDate, column: column!.spec.name,
          reason: "unparseable date in \(column!.spec.name)\(shown); expected \(dateFormat.pattern)")
      }
      return day
    } ?? nil
  }

  /// A date that must be present. The usual case, a plain date in a column without a value map, is read inline;
  /// anything else (and every error) goes the general way.
  @inline(__always) func requiredDate(_ column: BoundColumn) throws -> Day {
    if column.valueMap == nil, let day = dateFormat.parseInline(FieldBytes.trimmed(record.bytes(at: column.index))) {
      return day
    }
    return try requiredDateInGeneral(column)
  }

  @inline(never) private func requiredDateInGeneral(_ column: BoundColumn) throws -> Day {
    guard let day = try date(column) else { throw missing(column) }
    return day
  }

  /// A contract enumeration value (the matcher already knows the column's value map, so no lookup here).
  func enumeration<Value>(_ column: BoundColumn?, _ matcher: EnumMatcher<Value>) throws -> Value? {
    guard let column else { return nil }
    let b = FieldBytes.trimmed(record.bytes(at: column.index))
    if b.isEmpty { return nil }
    guard let value = matcher.match(b) else {
      let shown = FieldBytes.shown(b, of: column.spec)
      throw FieldProblem(
        category: .unknownEnum, column: column.spec.name,
        reason: "unknown \(column.spec.name)\(shown); expected one of: \(EnumMatcher<Value>.allowed)")
    }
    return value
  }

  /// An enumeration value that must be present (a known value is returned inline; errors go the general way).
  @inline(__always) func requiredEnumeration<Value>(_ column: BoundColumn, _ matcher: EnumMatcher<Value>) throws
    -> Value
  {
    if let value = matcher.match(FieldBytes.trimmed(record.bytes(at: column.index))) { return value }
    return try requiredEnumerationInGeneral(column, matcher)
  }

  @inline(never) private func requiredEnumerationInGeneral<Value>(
    _ column: BoundColumn, _ matcher: EnumMatcher<Value>
  ) throws -> Value {
    guard let value = try enumeration(column, matcher) else { throw missing(column) }
    return value
  }

  /// A whole number ≥ 0; nil when absent or empty.
  func count(_ column: BoundColumn?) throws -> Int? {
    try withValue(column) { b -> Int? in
      if b.isEmpty { return nil }
      guard let value = FieldBytes.count(b) else {
        let shown = FieldBytes.shown(b, of: column!.spec)
        throw FieldProblem(
          category: .badInteger, column: column!.spec.name,
          reason: "bad integer in \(column!.spec.name)\(shown); expected a whole number >= 0")
      }
      return value
    } ?? nil
  }

  /// Y/N; nil when absent or empty.
  func yesNo(_ column: BoundColumn?) throws -> Bool? {
    try withValue(column) { b -> Bool? in
      if b.isEmpty { return nil }
      guard let value = FieldBytes.yesNo(b) else {
        let shown = FieldBytes.shown(b, of: column!.spec)
        throw FieldProblem(
          category: .unknownEnum, column: column!.spec.name,
          reason: "unknown \(column!.spec.name)\(shown); expected one of: Y, N (or yes/no, true/false, 1/0)")
      }
      return value
    } ?? nil
  }

  /// `;`-separated ICD-10-CM codes, normalized.
  func codes(_ column: BoundColumn?) -> [String] {
    withValue(column) { FieldBytes.codes($0) } ?? []
  }

  /// `codes(_:)`, sharing one array among the rows of `cache` whose field has the same bytes.
  func codes(_ column: BoundColumn?, sharing cache: inout FieldListCache) -> [String] {
    guard let column, column.valueMap == nil else { return codes(column) }
    let raw = FieldBytes.trimmed(record.bytes(at: column.index))
    if raw.isEmpty { return [] }
    return cache.list(for: raw, parse: FieldBytes.codes)
  }

  /// One ICD-10-CM code, normalized; nil when absent or empty.
  func code(_ column: BoundColumn?) -> String? {
    withValue(column) { FieldBytes.code($0) } ?? nil
  }

  /// `;`-separated words, lower-cased.
  func list(_ column: BoundColumn?) -> [String] {
    withValue(column) { FieldBytes.list($0) } ?? []
  }

  /// `list(_:)`, sharing one array among the rows of `cache` whose field has the same bytes.
  func list(_ column: BoundColumn?, sharing cache: inout FieldListCache) -> [String] {
    guard let column, column.valueMap == nil else { return list(column) }
    let raw = FieldBytes.trimmed(record.bytes(at: column.index))
    if raw.isEmpty { return [] }
    return cache.list(for: raw, parse: FieldBytes.list)
  }

  private func missing(_ column: BoundColumn) -> FieldProblem {
    FieldProblem(
      category: .missingRequired, column: column.spec.name, reason: "missing required value in \(column.spec.name)")
  }
}
