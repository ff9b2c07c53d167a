/// The type of a contract column, which decides how its text is parsed and validated.
public enum ColumnType: Sendable, Equatable {
  /// Free text kept as given (trimmed).
  case text
  /// `YYYY-MM-DD` (or the mapping's date format); empty = null.
  case date
  /// One of the listed contract values, matched case-insensitively.
  case enumeration([String])
  /// A whole number ≥ 0.
  case count
  /// Y/N (also yes/no, true/false, 1/0).
  case yesNo
  /// `;`-separated ICD-10-CM codes.
  case codes
  /// One ICD-10-CM code.
  case code
  /// `;`-separated lower-case words.
  case list
}

/// One column of an extract as DATA_CONTRACT.md defines it.
public struct ColumnSpec: Sendable, Equatable {
  public var name: String
  public var type: ColumnType
  public var required: Bool
  /// Protected health information: reject reasons never quote its values.
  public var isPHI: Bool
  /// Reject reasons may quote a bad value of this column (see `FieldBytes.shown`). False in patients.csv, whose
  /// names, phones, birth dates and diagnoses a shifted or swapped column can put into any other column.
  public var quotesValues: Bool

  init(_ name: String, _ type: ColumnType, required: Bool = false, phi: Bool = false, quoted: Bool = true) {
    self.name = name
    self.type = type
    self.required = required
    self.isPHI = phi
    self.quotesValues = quoted && !phi
  }
}

extension ExtractKind {
  /// The contract columns of this extract, in contract order (also the order in which a row's columns are
  /// checked, so the first problem reported is stable).
  public var columns: [ColumnSpec] {
    switch self {
    case .patients: return ExtractKind.patientColumns
    case .utilization: return ExtractKind.utilizationColumns
    case .discharges: return ExtractKind.dischargeColumns
    }
  }

  /// The contract column called `name`, if any.
  public func column(named name: String) -> ColumnSpec? { columns.first { $0.name == name } }

  private static let patientColumns: [ColumnSpec] = [
    ColumnSpec("patient_id", .text, required: true),
    ColumnSpec("first_name", .text, phi: true),
    ColumnSpec("last_name", .text, phi: true),
    ColumnSpec("birth_date", .date, required: true, phi: true),
    ColumnSpec("sex", .text),
    ColumnSpec("phone", .text, phi: true),
    ColumnSpec("practice_id", .text, required: true),
    ColumnSpec("pcp_id", .text),
    ColumnSpec("case_manager_id", .text),
    ColumnSpec("payer", .text),
    ColumnSpec("conditions", .codes, phi: true),
    ColumnSpec("medication_count", .count, quoted: false),
    ColumnSpec("social_needs", .list, phi: true),
    ColumnSpec("hospice", .yesNo, quoted: false),
    ColumnSpec("deceased_date", .date, phi: true),
  ]

  private static let utilizationColumns: [ColumnSpec] = [
    ColumnSpec("patient_id", .text, required: true),
    ColumnSpec("event_date", .date, required: true),
    ColumnSpec("event_type", .enumeration(EventType.allCases.map(\.rawValue)), required: true),
    ColumnSpec("provider_id", .text, phi: true),
    ColumnSpec("primary_dx", .code, phi: true),
  ]

  private static let dischargeColumns: [ColumnSpec] = [
    ColumnSpec("patient_id", .text, required: true),
    ColumnSpec("encounter_id", .text, phi: true),
    ColumnSpec("admit_date", .date, required: true),
    ColumnSpec("discharge_date", .date, required: true),
    ColumnSpec("facility", .text, phi: true),
    ColumnSpec("admit_type", .enumeration(AdmitType.allCases.map(\.rawValue))),
    ColumnSpec("disposition", .enumeration(Disposition.allCases.map(\.rawValue))),
    ColumnSpec("primary_dx", .code, phi: true),
  ]
}
