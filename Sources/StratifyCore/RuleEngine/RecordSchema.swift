/// The fields a rule can read from each record, with their types and nullability, per DATA_CONTRACT.md.
/// This is the single place that ties the rule language to `PatientRecord`, `UtilizationEvent` and `DischargeRecord`.
struct FieldSpec: Sendable {
  var name: String
  var type: ValueType
  var nullable: Bool
  /// The column of the extract this field comes from (for the ingest's column selection).
  var column: String
}

enum RecordSchema {
  static func fields(of kind: RecordKind) -> [FieldSpec] {
    switch kind {
    case .patient: return patientFields
    case .event: return eventFields
    case .stay: return stayFields
    }
  }

  static func field(_ name: String, of kind: RecordKind) -> FieldSpec? {
    fields(of: kind).first { $0.name == name }
  }

  /// The date column that windows (`within:`, `before:` …) and `latest`/`earliest` use by default.
  static func primaryDate(of kind: RecordKind) -> String {
    kind == .stay ? "discharge_date" : "event_date"
  }

  static let patientFields: [FieldSpec] = [
    FieldSpec(name: "patient_id", type: .string(domain: nil), nullable: false, column: "patient_id"),
    FieldSpec(name: "birth_date", type: .date, nullable: false, column: "birth_date"),
    FieldSpec(name: "sex", type: .string(domain: nil), nullable: true, column: "sex"),
    FieldSpec(name: "practice_id", type: .string(domain: nil), nullable: false, column: "practice_id"),
    FieldSpec(name: "pcp_id", type: .string(domain: nil), nullable: true, column: "pcp_id"),
    FieldSpec(name: "case_manager_id", type: .string(domain: nil), nullable: true, column: "case_manager_id"),
    FieldSpec(name: "payer", type: .string(domain: nil), nullable: true, column: "payer"),
    FieldSpec(name: "conditions", type: .list, nullable: false, column: "conditions"),
    FieldSpec(name: "medication_count", type: .int, nullable: true, column: "medication_count"),
    FieldSpec(name: "social_needs", type: .list, nullable: false, column: "social_needs"),
    FieldSpec(name: "hospice", type: .bool, nullable: true, column: "hospice"),
    FieldSpec(name: "deceased_date", type: .date, nullable: true, column: "deceased_date"),
  ]

  static let eventFields: [FieldSpec] = [
    FieldSpec(name: "event_date", type: .date, nullable: false, column: "event_date"),
    FieldSpec(
      name: "event_type", type: .string(domain: EventType.allCases.map(\.rawValue)), nullable: false,
      column: "event_type"),
    FieldSpec(name: "provider_id", type: .string(domain: nil), nullable: true, column: "provider_id"),
    FieldSpec(name: "primary_dx", type: .string(domain: nil), nullable: true, column: "primary_dx"),
  ]

  static let stayFields: [FieldSpec] = [
    FieldSpec(name: "encounter_id", type: .string(domain: nil), nullable: true, column: "encounter_id"),
    FieldSpec(name: "admit_date", type: .date, nullable: false, column: "admit_date"),
    FieldSpec(name: "discharge_date", type: .date, nullable: false, column: "discharge_date"),
    FieldSpec(name: "facility", type: .string(domain: nil), nullable: true, column: "facility"),
    FieldSpec(
      name: "admit_type", type: .string(domain: AdmitType.allCases.map(\.rawValue)), nullable: true,
      column: "admit_type"),
    FieldSpec(
      name: "disposition", type: .string(domain: Disposition.allCases.map(\.rawValue)), nullable: true,
      column: "disposition"),
    FieldSpec(name: "primary_dx", type: .string(domain: nil), nullable: true, column: "primary_dx"),
    FieldSpec(name: "length_of_stay", type: .int, nullable: false, column: "discharge_date"),
  ]
}
