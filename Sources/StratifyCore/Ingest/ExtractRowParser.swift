/// Turns the data records of one extract into accepted rows; a record it cannot accept throws a `FieldProblem`.
protocol ExtractRowParser {
  /// Parses (and keeps) one data record whose field count already matches the header.
  mutating func parse(_ row: RowReader) throws
}

/// The accepted patients that utilization and discharge rows must refer to, shared read-only by both readers.
struct PatientDirectory: Sendable {
  /// patient_id → index in the accepted patients array.
  var index: [String: Int32] = [:]
  /// patient_id of a rejected patients.csv row → its line, so dependent rows can say why they are unknown.
  var rejectedLines: [String: Int] = [:]
  /// The ids of `index` that have a `ShortPatientID`, for lookups from a field's bytes.
  var shortIndex: [ShortPatientID: Int32] = [:]

  /// Records an accepted patient at `position`.
  mutating func add(_ id: String, at position: Int32) {
    index[id] = position
    if let key = ShortPatientID(id) { shortIndex[key] = position }
  }

  /// The patient index of the id whose bytes make `key`, when found without a `String`; nil means "ask
  /// `resolve(_:)`", never "unknown".
  @inline(__always) func find(_ key: ShortPatientID?) -> Int32? {
    guard let key else { return nil }
    return shortIndex[key]
  }

  /// The patient index of `id`, or the problem that makes the row referring to it unusable.
  @inline(__always) func resolve(_ id: String) throws -> Int32 {
    if let p = index[id] { return p }
    let reason: String
    if let line = rejectedLines[id] {
      reason = "patient_id \(Self.quote(id)) was rejected in patients.csv (line \(line))"
    } else {
      reason = "patient_id \(Self.quote(id)) is not in patients.csv"
    }
    throw FieldProblem(category: .unknownPatient, column: "patient_id", reason: reason)
  }

  static func quote(_ id: String) -> String {
    var copy = id
    return copy.withUTF8 { FieldBytes.quote($0) }
  }
}
