/// Reads patients.csv rows into `PatientRecord`s. Rows are parsed independently (so the file can be cut into
/// chunks parsed side by side) and merged in file order into the accepted patients and their directory — the
/// chunks as `append` receives them, a parser's own rows in `finish()` — where the first row of a patient_id wins
/// and later ones become duplicate rejects.
///
/// A parser's rows are moved, not copied, into the one that merges them: hand a parser to `append` and do not use
/// it afterwards.
struct PatientRowParser: ChunkableRowParser {
  /// The accepted patients merged so far, in file order; after `finish()`, all of them.
  private(set) var patients: [PatientRecord] = []
  /// The directory of `patients`.
  private var directory = PatientDirectory()
  /// Rows whose id an earlier accepted row has, found so far, in file order.
  private var duplicates: [Reject] = []

  /// This parser's own rows, not merged yet, in file order.
  private var rows = MovableRows<PatientRecord>()
  /// The short key of each of `rows`' ids (`ShortPatientID(id)`), made here beside the parse rather than on the
  /// merging thread.
  private var keys: [ShortPatientID?] = []
  /// Ids of this parser's rows rejected for another reason, with their lines, in file order (for
  /// `PatientDirectory.rejectedLines`).
  private var rejectedIDs: [(id: String, line: Int)] = []
  /// What `PatientDirectory.touch(_:)` read (kept, so that the reads are made).
  private var touched: Int32 = 0
  /// Lists already parsed in this parser's rows (shared arrays).
  private var conditionLists = FieldListCache()
  private var socialNeedLists = FieldListCache()

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
      // Field by field in column order, so that the first problem in a row is the one reported.
      var texts = PatientTexts.Packer()
      row.pack(firstName, into: &texts)
      row.pack(lastName, into: &texts)
      let birth = try row.requiredDate(birthDate!)
      row.pack(sex, into: &texts)
      row.pack(phone, into: &texts)
      try row.packRequired(practiceID!, into: &texts)
      row.pack(pcpID, into: &texts)
      row.pack(caseManagerID, into: &texts)
      row.pack(payer, into: &texts)
      let codes = row.codes(conditions, sharing: &conditionLists)
      let medications = try row.count(medicationCount)
      let needs = row.list(socialNeeds, sharing: &socialNeedLists)
      rows.append(
        PatientRecord(
          id: pid, line: row.line, texts: texts.texts, birthDate: birth, conditions: codes,
          medicationCount: medications, socialNeeds: needs, hospice: try row.yesNo(hospice),
          deceasedDate: try row.date(deceasedDate)))
      // From the field's bytes: for a column without a value map, the key `ShortPatientID(pid)` would give.
      keys.append(patientID!.valueMap == nil ? row.shortPatientID(patientID!) : ShortPatientID(pid))
    } catch {
      if let id { rejectedIDs.append((id, row.line)) }
      throw error
    }
  }

  var rowCount: Int { rows.count }

  mutating func reserveCapacity(_ rows: Int) {
    patients.reserveCapacity(rows)
    directory.reserveCapacity(rows)
  }

  mutating func append(_ next: PatientRowParser, lineOffset: Int) {
    mergeOwnRows()
    merge(next.rows, keys: next.keys, rejectedIDs: next.rejectedIDs, lineOffset: lineOffset)
  }

  /// Merges this parser's own rows, then hands over the directory and the duplicate rejects (by line). Ids of
  /// rejected rows are remembered, so that utilization and discharge rows referring to them say why they are
  /// unknown.
  mutating func finish() -> (directory: PatientDirectory, duplicates: [Reject]) {
    if patients.isEmpty { reserveCapacity(rows.count) }
    mergeOwnRows()
    conditionLists = FieldListCache()
    socialNeedLists = FieldListCache()
    let result = (directory, duplicates)
    directory = PatientDirectory()
    duplicates = []
    return result
  }

  private mutating func mergeOwnRows() {
    guard rows.count > 0 || !rejectedIDs.isEmpty else { return }
    merge(rows, keys: keys, rejectedIDs: rejectedIDs, lineOffset: 0)
    keys = []
    rejectedIDs = []
  }

  /// Moves `rows` (lines counted from `lineOffset` + 1) into `patients` in file order, dropping the rows whose id
  /// an earlier accepted row already has (a duplicate reject each), and notes the rejected ids before each row.
  private mutating func merge(
    _ rows: MovableRows<PatientRecord>, keys: [ShortPatientID?], rejectedIDs: [(id: String, line: Int)],
    lineOffset: Int
  ) {
    var nextRejected = 0
    let batch = 64
    rows.takeAll { rows in
      for k in rows.indices {
        if k % batch == 0 { touched &+= directory.touch(keys[k..<min(k + batch, keys.count)]) }
        rows[k].line += lineOffset
        let line = rows[k].line
        if nextRejected < rejectedIDs.count, rejectedIDs[nextRejected].line + lineOffset < line {
          Self.noteRejected(rejectedIDs, lineOffset: lineOffset, before: line, from: &nextRejected, in: &directory)
        }
        if let first = directory.insert(rows[k].id, key: keys[k]) {
          duplicates.append(
            Reject(
              file: ExtractKind.patients.fileName, line: line, column: "patient_id",
              reason: "duplicate patient_id \(PatientDirectory.quote(rows[k].id)); the first one, at line "
                + "\(patients[Int(first)].line), is kept",
              category: .duplicatePatient))
          (rows.baseAddress! + k).deinitialize(count: 1)
        } else {
          patients.append((rows.baseAddress! + k).move())
        }
      }
    }
    Self.noteRejected(rejectedIDs, lineOffset: lineOffset, before: Int.max, from: &nextRejected, in: &directory)
  }

  /// Notes the ids of `rejectedIDs` from `next` on whose lines (counted from `lineOffset` + 1) come before `line`
  /// in `directory.rejectedLines`, unless an accepted or earlier rejected row has the id; `next` is left at the
  /// first one not before `line`. (A function of its own, not one nested in `merge`, which would box `next` and
  /// check every access to it at run time, once a row.)
  private static func noteRejected(
    _ rejectedIDs: [(id: String, line: Int)], lineOffset: Int, before line: Int, from next: inout Int,
    in directory: inout PatientDirectory
  ) {
    while next < rejectedIDs.count, rejectedIDs[next].line + lineOffset < line {
      let (id, at) = rejectedIDs[next]
      if directory.position(of: id) == nil, directory.rejectedLines[id] == nil {
        directory.rejectedLines[id] = at + lineOffset
      }
      next += 1
    }
  }
}
