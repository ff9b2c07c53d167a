/// Reads patients.csv rows into `PatientRecord`s. Rows are parsed independently (so the file can be cut into
/// chunks parsed side by side); `finish()` then builds the patient directory in file order, where the first row of
/// a patient_id wins and later ones become duplicate rejects.
struct PatientRowParser: ChunkableRowParser {
  /// Parsed rows in file order; after `finish()`, the accepted ones.
  private(set) var patients: [PatientRecord] = []
  /// Condition lists already parsed in this parser's rows (shared arrays).
  private var conditionLists = CodeListCache()
  /// Ids of rows rejected for another reason, with their lines, in file order (for `PatientDirectory.rejectedLines`).
  private var rejectedIDs: [(id: String, line: Int)] = []

  private let patientID, firstName, lastName, birthDate, sex, phone, practiceID: BoundColumn?
  private let pcpID, caseManagerID, payer, conditions, medicationCount, socialNeeds, hospice, deceasedDate: BoundColumn?

  init(binding: HeaderBinding) {
    patientID = binding["patient_id"]
    firstName = binding["first_name"]
    lastName = binding["last_name"]
    birthDate = binding["birth_date"]
    sex = binding["sex"]
    phone = binding["phone"]
    practiceID = binding["practice_id"]
    pcpID = binding["pcp_id"]
    caseManagerID = binding["case_manager_id"]
    payer = binding["payer"]
    conditions = binding["conditions"]
    medicationCount = binding["medication_count"]
    socialNeeds = binding["social_needs"]
    hospice = binding["hospice"]
    deceasedDate = binding["deceased_date"]
  }

  mutating func parse(_ row: RowReader) throws {
    var id: String?
    do {
      let pid = try row.requiredText(patientID!)
      id = pid
      patients.append(
        PatientRecord(
          id: pid, line: row.line, firstName: row.text(firstName), lastName: row.text(lastName),
          birthDate: try row.requiredDate(birthDate!), sex: row.text(sex), phone: row.text(phone),
          practiceID: try row.requiredText(practiceID!), pcpID: row.text(pcpID),
          caseManagerID: row.text(caseManagerID), payer: row.text(payer), conditions: row.codes(conditions, sharing: &conditionLists),
          medicationCount: try row.count(medicationCount), socialNeeds: row.list(socialNeeds),
          hospice: try row.yesNo(hospice), deceasedDate: try row.date(deceasedDate)))
    } catch {
      if let id { rejectedIDs.append((id, row.line)) }
      throw error
    }
  }

  var rowCount: Int { patients.count }

  mutating func reserveCapacity(_ rows: Int) { patients.reserveCapacity(rows) }

  mutating func append(_ next: PatientRowParser, lineOffset: Int) {
    for var record in next.patients {
      record.line += lineOffset
      patients.append(record)
    }
    rejectedIDs += next.rejectedIDs.map { ($0.id, $0.line + lineOffset) }
  }

  /// Builds the directory in file order and drops the rows whose id an earlier accepted row already has; returns
  /// those rows' rejects (by line). Ids of rejected rows are remembered, so that utilization and discharge rows
  /// referring to them say why they are unknown.
  mutating func finish() -> (directory: PatientDirectory, duplicates: [Reject]) {
    var directory = PatientDirectory(capacity: patients.count)
    var duplicates: [Reject] = []
    var nextRejected = 0
    func noteRejected(before line: Int) {
      while nextRejected < rejectedIDs.count, rejectedIDs[nextRejected].line < line {
        let (id, at) = rejectedIDs[nextRejected]
        if directory.position(of: id) == nil, directory.rejectedLines[id] == nil { directory.rejectedLines[id] = at }
        nextRejected += 1
      }
    }
    // Kept rows move down over the dropped ones, in place (no second array of a million records).
    var kept = 0
    for k in patients.indices {
      noteRejected(before: patients[k].line)
      if let first = directory.insert(patients[k].id) {
        duplicates.append(
          Reject(
            file: ExtractKind.patients.fileName, line: patients[k].line, column: "patient_id",
            reason: "duplicate patient_id \(PatientDirectory.quote(patients[k].id)); the first one, at line "
              + "\(patients[Int(first)].line), is kept",
            category: .duplicatePatient))
        continue
      }
      if kept != k { patients.swapAt(kept, k) }
      kept += 1
    }
    noteRejected(before: Int.max)
    patients.removeLast(patients.count - kept)
    rejectedIDs = []
    conditionLists = CodeListCache()
    return (directory, duplicates)
  }
}
