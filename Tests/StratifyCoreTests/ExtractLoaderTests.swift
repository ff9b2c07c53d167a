import Foundation
import Testing

@testable import StratifyCore

/// Bad rows: each becomes a reject at its line and column, and reading goes on.
@Suite struct ExtractLoaderTests {
  /// One bad row placed after the good ones of its file, and what its reject must say.
  struct BadRow: CustomTestStringConvertible, Sendable {
    var kind: ExtractKind
    var row: String
    var column: String
    var category: RejectCategory
    var reasonContains: String
    /// PHI that the reason must not quote.
    var mustNotQuote: String? = nil
    var testDescription: String { "\(kind.fileName): \(category.rawValue) in '\(column)'" }
  }

  static let badRows: [BadRow] = [
    BadRow(
      kind: .patients, row: "P9,Ann", column: "", category: .wrongFieldCount,
      reasonContains: "expected 15 fields, found 2"),
    BadRow(
      kind: .patients, row: Extracts.patient("P9", birth: "1950-13-01"), column: "birth_date",
      category: .unparseableDate, reasonContains: "unparseable date in birth_date; expected YYYY-MM-DD",
      mustNotQuote: "1950-13-01"),
    BadRow(
      kind: .patients, row: Extracts.patient("P9").replacingOccurrences(of: "N,", with: "N,12/31/2025"),
      column: "deceased_date", category: .unparseableDate, reasonContains: "deceased_date",
      mustNotQuote: "12/31/2025"),
    BadRow(
      kind: .patients, row: Extracts.patient("P9", practice: ""), column: "practice_id",
      category: .missingRequired, reasonContains: "missing required value in practice_id"),
    BadRow(
      kind: .patients, row: Extracts.patient("").replacingOccurrences(of: "1950", with: "1951"),
      column: "patient_id", category: .missingRequired, reasonContains: "patient_id"),
    BadRow(
      kind: .patients, row: Extracts.patient("P9").replacingOccurrences(of: ",3,", with: ",-2,"),
      column: "medication_count", category: .badInteger,
      reasonContains: "bad integer in medication_count; expected a whole number >= 0"),
    // patients.csv quotes no value: a shifted or swapped column can put a name, phone or diagnosis anywhere.
    BadRow(
      kind: .patients, row: Extracts.patient("P9").replacingOccurrences(of: ",3,", with: ",Lee,"),
      column: "medication_count", category: .badInteger, reasonContains: "bad integer in medication_count;",
      mustNotQuote: "Lee"),
    BadRow(
      kind: .patients, row: Extracts.patient("P9", hospice: "555-0100"), column: "hospice", category: .unknownEnum,
      reasonContains: "unknown hospice; expected one of: Y, N", mustNotQuote: "555-0100"),
    // Elsewhere a value with letters and digits is not quoted either: it may be a diagnosis code.
    BadRow(
      kind: .utilization, row: Extracts.event("P1", "Z12.31"), column: "event_date", category: .unparseableDate,
      reasonContains: "unparseable date in event_date; expected YYYY-MM-DD", mustNotQuote: "Z12.31"),
    BadRow(
      kind: .discharges, row: Extracts.stay("P1", disposition: "I50.9"), column: "disposition",
      category: .unknownEnum, reasonContains: "unknown disposition; expected one of", mustNotQuote: "I50"),
    BadRow(
      kind: .utilization, row: Extracts.event("P1", "2026-10-03", "emergency"), column: "event_type",
      category: .unknownEnum,
      reasonContains: "unknown event_type 'emergency'; expected one of: ed, urgent_care, office, telehealth"),
    BadRow(
      kind: .utilization, row: Extracts.event("P1", "2026/10/03"), column: "event_date",
      category: .unparseableDate, reasonContains: "unparseable date in event_date '2026/10/03'"),
    BadRow(
      kind: .utilization, row: Extracts.event("P1", ""), column: "event_date", category: .missingRequired,
      reasonContains: "missing required value in event_date"),
    BadRow(
      kind: .utilization, row: Extracts.event("P404"), column: "patient_id", category: .unknownPatient,
      reasonContains: "patient_id 'P404' is not in patients.csv"),
    BadRow(
      kind: .utilization, row: "P1,2026-10-01,ed,DR1", column: "", category: .wrongFieldCount,
      reasonContains: "expected 5 fields, found 4"),
    BadRow(
      kind: .discharges, row: Extracts.stay("P1", admit: "2026-10-05", discharge: "2026-10-01"),
      column: "discharge_date", category: .dischargeBeforeAdmit,
      reasonContains: "discharge_date 2026-10-01 is before admit_date 2026-10-05"),
    BadRow(
      kind: .discharges, row: Extracts.stay("P1", disposition: "rehab"), column: "disposition",
      category: .unknownEnum, reasonContains: "unknown disposition 'rehab'; expected one of: home, home_health"),
    BadRow(
      kind: .discharges, row: Extracts.stay("P77"), column: "patient_id", category: .unknownPatient,
      reasonContains: "'P77' is not in patients.csv"),
  ]

  @Test(arguments: badRows)
  func rejectsABadRowAtItsLineAndColumn(bad: BadRow) throws {
    let folder = try TestFolder()
    defer { folder.remove() }
    var patients = ["P1", "P2", "P3"].map { Extracts.patient($0) }
    var utilization = [Extracts.event("P1"), Extracts.event("P2")]
    var discharges = [Extracts.stay("P1")]
    let line: Int
    switch bad.kind {
    case .patients:
      patients.append(bad.row)
      line = patients.count + 1
      patients.append(Extracts.patient("P4"))
    case .utilization:
      utilization.append(bad.row)
      line = utilization.count + 1
      utilization.append(Extracts.event("P3"))
    case .discharges:
      discharges.append(bad.row)
      line = discharges.count + 1
      discharges.append(Extracts.stay("P2"))
    }
    let paths = try Extracts.write(in: folder, patients: patients, utilization: utilization, discharges: discharges)
    let result = try Extracts.load(paths)

    #expect(result.rejects.count == 1)
    let reject = try #require(result.rejects.first)
    #expect(reject.file == bad.kind.fileName)
    #expect(reject.line == line)
    #expect(reject.column == bad.column)
    #expect(reject.category == bad.category)
    #expect(reject.reason.contains(bad.reasonContains), "\(reject.reason)")
    if let secret = bad.mustNotQuote { #expect(!reject.reason.contains(secret)) }
    // The good row after the bad one was kept.
    #expect(result.patients.count == (bad.kind == .patients ? 4 : 3))
    #expect(result.utilization.rows.count == (bad.kind == .utilization ? 3 : 2))
    #expect(result.discharges.rows.count == (bad.kind == .discharges ? 2 : 1))
  }

  @Test func keepsTheFirstOfDuplicatePatientIDs() throws {
    let folder = try TestFolder()
    defer { folder.remove() }
    let paths = try Extracts.write(
      in: folder,
      patients: [Extracts.patient("P1"), Extracts.patient("P2"), Extracts.patient("P1", practice: "PR9")])
    let result = try Extracts.load(paths)
    #expect(result.patients.map(\.id) == ["P1", "P2"])
    #expect(result.patients[0].practiceID == "PR1")
    #expect(
      result.rejects == [
        Reject(
          file: "patients.csv", line: 4, column: "patient_id",
          reason: "duplicate patient_id 'P1'; the first one, at line 2, is kept", category: .duplicatePatient)
      ])
  }

  /// The same stay extracted twice (same patient, same encounter_id) counts once; the later row is a reject. Other
  /// patients' stays with that encounter_id, and stays without one, are kept. Read whole and in chunks.
  @Test(arguments: [1, 3])
  func aRepeatedEncounterOfAPatientIsRejected(chunks: Int) throws {
    let folder = try TestFolder()
    defer { folder.remove() }
    func stay(_ id: String, _ encounter: String, _ admit: String) -> String {
      "\(id),\(encounter),\(admit),2026-10-20,General,emergency,home,I50.9"
    }
    var rows: [String] = []
    for k in 0..<30 { rows.append(stay("P\(k % 3 + 1)", "E\(k)", "2026-10-\(String(format: "%02d", k % 19 + 1))")) }
    rows.append(stay("P1", "E0", "2026-10-02"))  // line 32: P1's E0 again (another admit date: still the same stay)
    rows.append(stay("P2", "E0", "2026-10-03"))  // line 33: E0 of another patient
    rows.append(stay("P2", "", "2026-10-04"))  // line 34, 35: no encounter_id, twice
    rows.append(stay("P2", "", "2026-10-04"))
    rows.append(stay("P3", "E2", "2026-10-03"))  // line 36: P3's E2 again (line 4)
    let paths = try Extracts.write(
      in: folder, patients: ["P1", "P2", "P3"].map { Extracts.patient($0) }, utilization: [], discharges: rows)
    let result = try Extracts.load(paths, options: IngestOptions(blockSize: 64, chunkCount: chunks))
    let rejects = result.rejects.filter { $0.file == "discharges.csv" }
    #expect(rejects.map(\.line) == [32, 36])
    #expect(rejects.map(\.category) == [.repeatedEncounter, .repeatedEncounter])
    #expect(rejects[0].reason == "the same encounter_id for the same patient as line 2, which is kept")
    #expect(rejects[1].reason.contains("as line 4,") && !rejects[1].reason.contains("E2"))
    #expect(result.discharges.rows.count == 33)
    #expect(result.inputs[2].rowsRead == 35 && result.inputs[2].rowsRejected == 2)
  }

  /// A patient with many stays (a placeholder id) is looked up by hash past 32 of them: the same answers.
  @Test(arguments: [1, 3])
  func repeatedEncountersOfAPatientWithManyStays(chunks: Int) throws {
    let folder = try TestFolder()
    defer { folder.remove() }
    func stay(_ id: String, _ encounter: String) -> String {
      "\(id),\(encounter),2026-10-01,2026-10-02,General,emergency,home,I50.9"
    }
    // Lines 2-51: P1's E0...E49; then E3 (before the limit), E40 (after it), E49 (the last), P2's E3 (kept).
    let rows = (0..<50).map { stay("P1", "E\($0)") } + [stay("P1", "E3"), stay("P1", "E40"), stay("P1", "E49")]
      + [stay("P2", "E3"), stay("P1", "E50")]
    let paths = try Extracts.write(
      in: folder, patients: ["P1", "P2"].map { Extracts.patient($0) }, utilization: [], discharges: rows)
    let result = try Extracts.load(paths, options: IngestOptions(blockSize: 64, chunkCount: chunks))
    let rejects = result.rejects.filter { $0.file == "discharges.csv" }
    #expect(rejects.map(\.line) == [52, 53, 54])
    let firsts = [5, 42, 51].map { "the same encounter_id for the same patient as line \($0)" }
    #expect(rejects.map { String($0.reason.split(separator: ",")[0]) } == firsts)
    #expect(result.discharges.rows.count == 52)
  }

  @Test func rowsOfARejectedPatientSayWhyTheyAreUnknown() throws {
    let folder = try TestFolder()
    defer { folder.remove() }
    let paths = try Extracts.write(
      in: folder, patients: [Extracts.patient("P1"), Extracts.patient("P2", birth: "someday")],
      utilization: [Extracts.event("P2")], discharges: [])
    let result = try Extracts.load(paths)
    #expect(result.rejects.map(\.line) == [3, 2])
    #expect(result.rejects[1].reason == "patient_id 'P2' was rejected in patients.csv (line 3)")
    #expect(result.rejects[1].category == .rejectedPatient)
  }

  @Test func readsAQuotedNameWithACommaAndANewlineAndKeepsLaterLineNumbers() throws {
    let folder = try TestFolder()
    defer { folder.remove() }
    let tricky =
      "P2,\"Mary, Jo\",\"O'Neil\nSmith\",1960-05-06,F,,PR1,,,,\"E11.9;\nI10\",,,,"
    let paths = try Extracts.write(
      in: folder,
      patients: [Extracts.patient("P1"), tricky, Extracts.patient("P3"), Extracts.patient("P4", birth: "x")])
    let result = try Extracts.load(paths)
    #expect(result.patients.map(\.id) == ["P1", "P2", "P3"])
    #expect(result.patients.map(\.line) == [2, 3, 6])
    #expect(result.patients[1].firstName == "Mary, Jo")
    #expect(result.patients[1].lastName == "O'Neil\nSmith")
    #expect(result.patients[1].conditions == ["E119", "I10"])
    #expect(result.rejects.map(\.line) == [7])
  }

  @Test func parsesEveryPatientColumn() throws {
    let folder = try TestFolder()
    defer { folder.remove() }
    let paths = try Extracts.write(
      in: folder,
      patients: ["P1,Ann,Lee,1950-01-02T08:00:00Z,F,555-0100,PR1,DR1,CM1,medicare, e11.9 ;I50.9;;,3,Food; housing ;,YES,2026-01-02"])
    let p = try #require(try Extracts.load(paths).patients.first)
    #expect(
      p == PatientRecord(
        id: "P1", line: 2, firstName: "Ann", lastName: "Lee", birthDate: Day(iso: "1950-01-02")!, sex: "F",
        phone: "555-0100", practiceID: "PR1", pcpID: "DR1", caseManagerID: "CM1", payer: "medicare",
        conditions: ["E119", "I509"], medicationCount: 3, socialNeeds: ["food", "housing"], hospice: true,
        deceasedDate: Day(iso: "2026-01-02")))
  }

  @Test func groupsEventsPerPatientInFileOrder() throws {
    let folder = try TestFolder()
    defer { folder.remove() }
    let paths = try Extracts.write(
      in: folder,
      utilization: [
        Extracts.event("P2", "2026-01-01"), Extracts.event("P1", "2026-01-02", "Office"),
        Extracts.event("P2", "2026-01-03", " NO_SHOW "),
      ])
    let result = try Extracts.load(paths)
    #expect(result.utilization[1].map(\.date.description) == ["2026-01-01", "2026-01-03"])
    #expect(result.utilization[1].map(\.type) == [.ed, .noShow])
    #expect(result.utilization[0].map(\.type) == [.office])
    #expect(result.utilization[2].isEmpty)
    #expect(result.utilization[0].first?.primaryDx == "R079")
  }

  @Test func storesOptionalTextColumnsOnlyWhenSelected() throws {
    let folder = try TestFolder()
    defer { folder.remove() }
    let paths = try Extracts.write(in: folder)
    let result = try Extracts.load(paths, options: IngestOptions(storedColumns: .none))
    #expect(result.utilization.rows.allSatisfy { $0.providerID == nil && $0.primaryDx == nil })
    #expect(result.discharges.rows.allSatisfy { $0.encounterID == nil && $0.facility == nil && $0.primaryDx == nil })
    #expect(result.discharges.rows.first?.disposition == .home)
  }

  @Test func matchesHeadersIgnoringCaseSpacesAndOrderAndCountsUnknownColumns() throws {
    let folder = try TestFolder()
    defer { folder.remove() }
    try folder.write("patients.csv", " Practice_ID ,email,BIRTH_DATE, patient_id \nPR1,a@b.c,1950-01-02,P1\n")
    try folder.write("utilization.csv", "EVENT_TYPE,Patient_Id,event_date,notes\nED,P1,2026-02-03,x\n")
    try folder.write("discharges.csv", Extracts.dischargesHeader + "\n")
    let result = try Extracts.load(InputPaths(folder: folder.path))
    #expect(result.patients == [PatientRecord(id: "P1", line: 2, birthDate: Day(iso: "1950-01-02")!, practiceID: "PR1")])
    #expect(result.utilization.rows == [UtilizationEvent(date: Day(iso: "2026-02-03")!, type: .ed)])
    #expect(result.inputs.map(\.unknownColumns) == [["email"], ["notes"], []])
    #expect(result.quality.files.map(\.unknownColumns) == [["email"], ["notes"], []])
    #expect(result.discharges.rows.isEmpty)
  }

  @Test func ordersRejectsByFileThenLineAndCountsThemByReason() throws {
    let folder = try TestFolder()
    defer { folder.remove() }
    let paths = try Extracts.write(
      in: folder, patients: [Extracts.patient("P1"), Extracts.patient("P2", birth: "bad"), "P3"],
      utilization: [Extracts.event("P9"), Extracts.event("P1", "bad"), Extracts.event("P8")],
      discharges: [Extracts.stay("P1", disposition: "moon")])
    let result = try Extracts.load(paths)
    #expect(result.rejects.map { "\($0.file):\($0.line)" } == [
      "patients.csv:3", "patients.csv:4", "utilization.csv:2", "utilization.csv:3", "utilization.csv:4",
      "discharges.csv:2",
    ])
    #expect(
      result.quality.files[1].rejectsByCategory == [
        .init(category: .unparseableDate, count: 1), .init(category: .unknownPatient, count: 2),
      ])
    #expect(result.quality.totalRejected == 6)
  }
}
