extension ExpressionCompiler {
  /// Reads one field of the row that `row` points at (a patient index or a row index of an extract).
  func fieldRead(_ spec: FieldSpec, of kind: RecordKind, row: @escaping Fn<Int>) -> Typed {
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
    return Typed(type: spec.type, nullable: spec.nullable, code: code)
  }
}
