extension RuleSet {
  /// The optional text columns ingest must keep for this rule set; the others are validated but not stored, so
  /// memory grows with patients, not with rows.
  public var storedColumns: StoredColumns {
    var columns: StoredColumns = []
    let map: [(String, StoredColumns)] = [
      ("event.provider_id", .utilizationProviderID), ("event.primary_dx", .utilizationPrimaryDx),
      ("stay.encounter_id", .dischargeEncounterID), ("stay.facility", .dischargeFacility),
      ("stay.primary_dx", .dischargePrimaryDx),
    ]
    for (field, column) in map where usedFields.contains(field) { columns.insert(column) }
    return columns
  }
}
