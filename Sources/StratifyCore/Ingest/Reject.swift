/// A quarantined row: left out of scoring, written to the rejects file, counted in the data-quality report.
public struct Reject: Sendable, Equatable {
  /// Base name of the extract, e.g. `patients.csv`.
  public var file: String
  /// Physical line where the record starts.
  public var line: Int
  /// The contract column at fault, or "" for a problem with the whole row.
  public var column: String
  /// What was expected and what was found; quotes a value only for columns that are not PHI.
  public var reason: String
  public var category: RejectCategory

  public init(file: String, line: Int, column: String, reason: String, category: RejectCategory) {
    self.file = file
    self.line = line
    self.column = column
    self.reason = reason
    self.category = category
  }
}

/// Why a row was rejected, as a short stable key (for metrics and reports) and a label for people.
public enum RejectCategory: String, CaseIterable, Sendable, Hashable, Comparable {
  case wrongFieldCount = "wrong_field_count"
  case missingRequired = "missing_required"
  case unparseableDate = "unparseable_date"
  case unknownEnum = "unknown_enum"
  case badInteger = "bad_integer"
  case dischargeBeforeAdmit = "discharge_before_admit"
  case unknownPatient = "unknown_patient"
  /// A utilization or discharge row of a patient whose own row in patients.csv was rejected: counted as rejected in
  /// its file, but not in the file's share for the reject threshold (the cause is counted in patients.csv).
  case rejectedPatient = "rejected_patient"
  case duplicatePatient = "duplicate_patient"
  /// A discharge row with the encounter_id of an earlier row of the same patient.
  case repeatedEncounter = "repeated_encounter"

  public var label: String {
    switch self {
    case .wrongFieldCount: return "wrong number of fields"
    case .missingRequired: return "missing required value"
    case .unparseableDate: return "unparseable date"
    case .unknownEnum: return "unknown code value"
    case .badInteger: return "bad integer"
    case .dischargeBeforeAdmit: return "discharge before admit"
    case .unknownPatient: return "patient_id not in patients.csv"
    case .rejectedPatient: return "patient's row rejected in patients.csv"
    case .duplicatePatient: return "duplicate patient_id"
    case .repeatedEncounter: return "stay repeated (same encounter_id)"
    }
  }

  /// Whether a reject of this kind counts toward its file's share for the reject threshold: all but a row of a
  /// patient rejected in patients.csv, whose cause that file's share already counts (one bad birth date must not
  /// fail a small practice's night through its stays).
  public var countsTowardThreshold: Bool { self != .rejectedPatient }

  /// Declaration order.
  public static func < (lhs: RejectCategory, rhs: RejectCategory) -> Bool {
    allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
  }
}

/// A problem found in one row, before the reader attaches file and line to make it a `Reject`.
struct FieldProblem: Error {
  var category: RejectCategory
  var column: String
  var reason: String
}
