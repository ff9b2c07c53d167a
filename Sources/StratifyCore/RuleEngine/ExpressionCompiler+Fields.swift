extension ExpressionCompiler {
  /// Reads one field of the row that `row` points at (a patient index or a row index of an extract).
  func fieldRead(_ spec: FieldSpec, of kind: RecordKind, currentRow: Bool = false, row: @escaping Fn<Int>) -> Typed {
    usedFields.insert("\(kind == .patient ? "patient" : kind == .event ? "event" : "stay").\(spec.name)")
    let code: Code
    switch (kind, spec.name) {
    case (.patient, "patient_id"): code = .string { ctx in row(ctx).map { ctx.patients[$0].id } }
    case (.patient, "birth_date"): code = .date { ctx in row(ctx).map { ctx.patients[$0].birthDate } }
    case (.patient, "sex"): code = .string { ctx in row(ctx).flatMap { ctx.patients[$0].sex } }
    case (.patient, "practice_id"): code = .string { ctx in row(ctx).map { ctx.patients[$0].practiceID } }
    case (.patient, "pcp_id"): code = .string { ctx in row(ctx).flatMap { ctx.patients[$0].pcpID } }
    case (.patient, "case_manager_id"): code = .string { ctx in row(ctx).flatMap { ctx.patients[$0].caseManagerID } }
    case (.patient, "payer"): code = .string { ctx in row(ctx).flatMap { ctx.patients[$0].payer } }
    case (.patient, "conditions"): code = .list { ctx in row(ctx).map { ctx.patients[$0].conditions } }
    case (.patient, "medication_count"): code = .int { ctx in row(ctx).flatMap { ctx.patients[$0].medicationCount } }
    case (.patient, "social_needs"): code = .list { ctx in row(ctx).map { ctx.patients[$0].socialNeeds } }
    case (.patient, "hospice"): code = .bool { ctx in row(ctx).flatMap { ctx.patients[$0].hospice } }
    case (.patient, "deceased_date"): code = .date { ctx in row(ctx).flatMap { ctx.patients[$0].deceasedDate } }
    case (.event, "event_date"): code = .date { ctx in row(ctx).map { ctx.events[$0].date } }
    case (.event, "event_type"): code = .string { ctx in row(ctx).map { ctx.events[$0].type.rawValue } }
    case (.event, "provider_id"): code = .string { ctx in row(ctx).flatMap { ctx.events[$0].providerID } }
    case (.event, "primary_dx"): code = .string { ctx in row(ctx).flatMap { ctx.events[$0].primaryDx } }
    case (.stay, "encounter_id"): code = .string { ctx in row(ctx).flatMap { ctx.stays[$0].encounterID } }
    case (.stay, "admit_date"): code = .date { ctx in row(ctx).map { ctx.stays[$0].admitDate } }
    case (.stay, "discharge_date"): code = .date { ctx in row(ctx).map { ctx.stays[$0].dischargeDate } }
    case (.stay, "facility"): code = .string { ctx in row(ctx).flatMap { ctx.stays[$0].facility } }
    case (.stay, "admit_type"): code = .string { ctx in row(ctx).flatMap { ctx.stays[$0].admitType?.rawValue } }
    case (.stay, "disposition"): code = .string { ctx in row(ctx).flatMap { ctx.stays[$0].disposition?.rawValue } }
    case (.stay, "primary_dx"): code = .string { ctx in row(ctx).flatMap { ctx.stays[$0].primaryDx } }
    case (.stay, "length_of_stay"):
      code = .int { ctx in row(ctx).map { ctx.stays[$0].dischargeDate - ctx.stays[$0].admitDate } }
    default:
      preconditionFailure("RecordSchema lists \(spec.name) but fieldRead does not read it")
    }
    var typed = Typed(type: spec.type, nullable: spec.nullable, code: code)
    switch (kind, spec.name) {
    case (.patient, "conditions"): typed.listCount = { ctx in row(ctx).map { ctx.patients[$0].conditions.count } }
    case (.patient, "social_needs"): typed.listCount = { ctx in row(ctx).map { ctx.patients[$0].socialNeeds.count } }
    default: break
    }
    if ["event_type", "admit_type", "disposition"].contains(spec.name) {
      typed.enumField = EnumFieldRead(kind: kind, field: spec.name, row: currentRow ? nil : row)
    }
    return typed
  }

  /// `enumTest` as a checked condition; a test of the current utilization row's event_type also says which types
  /// it can be true for.
  func enumTyped(_ read: EnumFieldRead, values: Set<String>, negated: Bool, note: String) -> Typed {
    var typed = Typed(type: .bool, nullable: false, code: enumTest(read, values: values, negated: negated, note: note))
    if read.kind == .event, read.field == "event_type", read.row == nil {
      typed.eventTypes = Set(EventType.allCases.filter { values.contains($0.rawValue) != negated })
    }
    return typed
  }

  /// A test of an enumerated field against a set of its values, on the stored enum (no text built per row).
  /// A null value (an empty admit_type or disposition, or no row) fails the test and is noted for explain.
  func enumTest(_ read: EnumFieldRead, values: Set<String>, negated: Bool, note: String) -> Code {
    let row = read.row
    let kind = read.kind
    let rowIndex: Fn<Int> = { ctx in
      guard let row else { return ctx.current(kind) }
      return row(ctx)
    }
    switch read.field {
    case "event_type":
      // A short array: comparing a few enum tags beats hashing for every row.
      let set = EventType.allCases.filter { values.contains($0.rawValue) }
      if read.row == nil, set.count == 1, let only = set.first {
        return .bool { ctx in (ctx.events[ctx.event].type == only) != negated }
      }
      return .bool { ctx in
        guard let r = rowIndex(ctx) else {
          if ctx.tracing { ctx.noteNull(note) }
          return false
        }
        return set.contains(ctx.events[r].type) != negated
      }
    case "admit_type":
      let set = AdmitType.allCases.filter { values.contains($0.rawValue) }
      return .bool { ctx in
        guard let r = rowIndex(ctx), let v = ctx.stays[r].admitType else {
          if ctx.tracing { ctx.noteNull(note) }
          return false
        }
        return set.contains(v) != negated
      }
    default:
      let set = Disposition.allCases.filter { values.contains($0.rawValue) }
      return .bool { ctx in
        guard let r = rowIndex(ctx), let v = ctx.stays[r].disposition else {
          if ctx.tracing { ctx.noteNull(note) }
          return false
        }
        return set.contains(v) != negated
      }
    }
  }
}
