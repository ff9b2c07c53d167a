/// Reads discharges.csv rows into `DischargeRecord`s with the patient index of each.
struct DischargeRowParser: ChunkableRowParser {
  private(set) var stays: [DischargeRecord] = []
  /// Patient index of each stay, parallel to `stays`.
  private(set) var owners: [Int32] = []

  private let directory: PatientDirectory
  private let patientID, admitDate, dischargeDate: BoundColumn
  private let encounterID, facility, admitType, disposition, primaryDx: BoundColumn?
  private let stored: StoredColumns
  private let admitTypes: EnumMatcher<AdmitType>
  private let dispositions: EnumMatcher<Disposition>

  init(binding: HeaderBinding, directory: PatientDirectory, stored: StoredColumns) {
    self.directory = directory
    self.stored = stored
    patientID = binding.required("patient_id")
    encounterID = binding["encounter_id"]
    admitDate = binding.required("admit_date")
    dischargeDate = binding.required("discharge_date")
    facility = binding["facility"]
    admitType = binding["admit_type"]
    disposition = binding["disposition"]
    primaryDx = binding["primary_dx"]
    admitTypes = EnumMatcher(valueMap: admitType?.valueMap)
    dispositions = EnumMatcher(valueMap: disposition?.valueMap)
    skippedColumns = Self.columns(
      notIn: [
        patientID, admitDate, dischargeDate, admitType, disposition,
        stored.contains(.dischargeEncounterID) ? encounterID : nil,
        stored.contains(.dischargeFacility) ? facility : nil,
        stored.contains(.dischargePrimaryDx) ? primaryDx : nil,
      ], fieldCount: binding.fieldCount)
  }

  let skippedColumns: UInt64

  var rowCount: Int { stays.count }

  mutating func reserveCapacity(_ rows: Int) {
    stays.reserveCapacity(rows)
    owners.reserveCapacity(rows)
  }

  mutating func append(_ next: DischargeRowParser, lineOffset: Int) {
    stays += next.stays
    owners += next.owners
  }

  mutating func parse(_ row: RowReader) throws {
    // The id as a String only when the byte lookup cannot answer; errors keep their order.
    let known = directory.find(row.shortPatientID(patientID))
    let id = known == nil ? try row.requiredText(patientID) : ""
    let admit = try row.requiredDate(admitDate)
    let discharge = try row.requiredDate(dischargeDate)
    let type = try row.enumeration(admitType, admitTypes)
    let dispo = try row.enumeration(disposition, dispositions)
    if discharge < admit {
      throw FieldProblem(
        category: .dischargeBeforeAdmit, column: "discharge_date",
        reason: "discharge_date \(discharge) is before admit_date \(admit)")
    }
    let owner = try known ?? directory.resolve(id)
    stays.append(
      DischargeRecord(
        encounterID: stored.contains(.dischargeEncounterID) ? row.text(encounterID) : nil, admitDate: admit,
        dischargeDate: discharge, facility: stored.contains(.dischargeFacility) ? row.text(facility) : nil,
        admitType: type, disposition: dispo,
        primaryDx: stored.contains(.dischargePrimaryDx) ? row.code(primaryDx) : nil))
    owners.append(owner)
  }
}
