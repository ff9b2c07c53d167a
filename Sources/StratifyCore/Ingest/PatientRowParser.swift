/// Reads patients.csv rows into `PatientRecord`s and the patient directory; the first row of a patient_id wins.
struct PatientRowParser: ExtractRowParser {
  private(set) var patients: [PatientRecord] = []
  private(set) var directory = PatientDirectory()

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
      let record = PatientRecord(
        id: pid, line: row.line, firstName: row.text(firstName), lastName: row.text(lastName),
        birthDate: try row.requiredDate(birthDate!), sex: row.text(sex), phone: row.text(phone),
        practiceID: try row.requiredText(practiceID!), pcpID: row.text(pcpID), caseManagerID: row.text(caseManagerID),
        payer: row.text(payer), conditions: row.codes(conditions), medicationCount: try row.count(medicationCount),
        socialNeeds: row.list(socialNeeds), hospice: try row.yesNo(hospice), deceasedDate: try row.date(deceasedDate))
      if let first = directory.insert(pid) {
        throw FieldProblem(
          category: .duplicatePatient, column: "patient_id",
          reason: "duplicate patient_id \(PatientDirectory.quote(pid)); the first one, at line "
            + "\(patients[Int(first)].line), is kept")
      }
      patients.append(record)
    } catch {
      // Remember rejected ids so that their utilization and discharge rows say why they are unknown.
      if let id, directory.position(of: id) == nil, directory.rejectedLines[id] == nil {
        directory.rejectedLines[id] = row.line
      }
      throw error
    }
  }
}
