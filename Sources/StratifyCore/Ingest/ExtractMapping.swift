/// How one foreign-shaped extract maps onto the contract: header aliases, the date format, and value maps.
/// The identity mapping (the default) reads the contract layout as is.
public struct ExtractMapping: Sendable, Equatable {
  /// Source header name (lower-cased, trimmed) → contract column name.
  public var columns: [String: String]
  /// How every date column of this extract is written.
  public var dateFormat: DateFormat
  /// Contract column → (source value, lower-cased and trimmed → contract value).
  public var values: [String: [String: String]]

  public init(columns: [String: String] = [:], dateFormat: DateFormat = .iso, values: [String: [String: String]] = [:]) {
    self.columns = Dictionary(columns.map { (Self.normalizedHeader($0.key), $0.value) }, uniquingKeysWith: { a, _ in a })
    self.dateFormat = dateFormat
    self.values = values.mapValues { map in
      Dictionary(map.map { (Self.normalizedValue($0.key), $0.value) }, uniquingKeysWith: { a, _ in a })
    }
  }

  public static let identity = ExtractMapping()

  /// Header names compare case-insensitively after trimming.
  static func normalizedHeader(_ name: String) -> String {
    name.trimmingASCIIWhitespace().lowercased()
  }

  /// Source values compare case-insensitively after trimming.
  static func normalizedValue(_ value: String) -> String {
    value.trimmingASCIIWhitespace().lowercased()
  }

  /// Whether a value map may be given for a column of this type: enumerations, Y/N and plain text (not the
  /// patient id, dates or code lists, whose meaning a value map would only blur).
  static func acceptsValueMap(_ spec: ColumnSpec) -> Bool {
    switch spec.type {
    case .enumeration, .yesNo: return true
    case .text: return spec.name != "patient_id"
    default: return false
    }
  }
}

extension String {
  /// The string without leading and trailing spaces, tabs, CR and LF.
  func trimmingASCIIWhitespace() -> String {
    let u = Array(utf8)
    var start = 0
    var end = u.count
    while start < end, FieldBytes.isSpace(u[start]) { start += 1 }
    while end > start, FieldBytes.isSpace(u[end - 1]) { end -= 1 }
    if start == 0, end == u.count { return self }
    return String(decoding: u[start..<end], as: UTF8.self)
  }
}
