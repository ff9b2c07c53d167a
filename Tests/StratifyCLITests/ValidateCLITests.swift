import Foundation
import Testing

/// `stratify validate` end to end, on the built binary: exit codes, the summary, stderr messages, rejects file.
@Suite struct ValidateCLITests {
  static let patientsHeader =
    "patient_id,first_name,last_name,birth_date,sex,phone,practice_id,pcp_id,case_manager_id,payer,conditions,"
    + "medication_count,social_needs,hospice,deceased_date"

  /// A small clean set: 3 patients (one with a quoted name holding a comma and a newline), events and stays.
  /// Writes `in/utilization.csv`: the header, then a good row of P1 and `rows`.
  func writeUtilization(in dir: TemporaryDirectory, _ rows: [String]) throws {
    try dir.write(
      "in/utilization.csv",
      (["patient_id,event_date,event_type,provider_id,primary_dx", "P1,2026-10-01,ed,DR1,R07.9"] + rows)
        .joined(separator: "\n") + "\n")
  }

  func writeCleanSet(in dir: TemporaryDirectory, folder: String = "in") throws {
    try dir.write(
      "\(folder)/patients.csv",
      """
      \(Self.patientsHeader)
      P1,Ann,Lee,1950-01-02,F,555-0100,PR1,DR1,CM1,medicare,E11.9;I50.9,3,food,N,
      P2,"Mary, Jo","O'Neil
      Smith",1960-05-06,F,,PR1,DR1,CM1,medicaid,,,,,
      P3,Bo,Ng,1970-07-08,M,,PR2,DR2,,commercial,J44.1,1,,Y,

      """)
    try dir.write(
      "\(folder)/utilization.csv",
      "patient_id,event_date,event_type,provider_id,primary_dx\nP1,2026-10-01,ed,DR1,R07.9\nP2,2026-10-02,office,,\n")
    try dir.write(
      "\(folder)/discharges.csv",
      "patient_id,encounter_id,admit_date,discharge_date,facility,admit_type,disposition,primary_dx\n"
        + "P1,E1,2026-10-01,2026-10-05,General,emergency,home,I50.9\n")
  }

  @Test func aCleanSetExits0WithTheSummary() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    try writeCleanSet(in: dir)
    let result = try BinaryRunner.run(["validate", "--input", dir.path("in")])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("patients.csv"))
    let patientsLine = result.stdout.split(separator: "\n").first { $0.hasPrefix("patients.csv") }
    #expect(patientsLine?.split(separator: " ").prefix(4) == ["patients.csv", "3", "3", "0"])
    #expect(result.stdout.contains("utilization.csv"))
    #expect(!result.stdout.contains("Mary"))
    // P2's last name holds a line break: named by its lines, never by its contents.
    #expect(result.stdout.contains("patients.csv: 1 record spans several lines (quoted line breaks), lines 3–4"))
    #expect(!result.stderr.contains("spans several lines"), "said once, in the summary")
    #expect(!result.stdout.contains("Neil"))
  }

  @Test func readsTheInputFolderFromTheConfigurationInTheWorkingDirectory() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    try writeCleanSet(in: dir, folder: "data")
    try dir.write("stratify.yaml", "input: data\n")
    let result = try BinaryRunner.run(["validate"], in: dir.url)
    #expect(result.status == 0, "\(result.stderr)")
  }

  @Test func aBrokenQuoteExits65NamingFileAndLine() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    try writeCleanSet(in: dir)
    try writeUtilization(in: dir, ["P2,2026-10-02,\"office,,"])
    let result = try BinaryRunner.run(["validate", "--input", dir.path("in")])
    #expect(result.status == 65)
    #expect(result.stderr.contains("utilization.csv:3: unterminated quote"), "\(result.stderr)")
  }

  @Test func aMissingColumnExits65() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    try writeCleanSet(in: dir)
    try dir.write("in/discharges.csv", "patient_id,admit_date,discharge\nP1,2026-10-01,2026-10-05\n")
    let result = try BinaryRunner.run(["validate", "--input", dir.path("in")])
    #expect(result.status == 65)
    #expect(result.stderr.contains("discharges.csv:1: missing required column 'discharge_date'"), "\(result.stderr)")
    #expect(result.stderr.contains("did you mean 'discharge'?"))
  }

  @Test func aMissingFileExits66() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    try writeCleanSet(in: dir)
    try FileManager.default.removeItem(atPath: dir.path("in/discharges.csv"))
    let result = try BinaryRunner.run(["validate", "--input", dir.path("in")])
    #expect(result.status == 66)
    #expect(result.stderr.contains("discharges.csv not found"), "\(result.stderr)")
  }

  @Test func aBadConfigurationKeyExits78() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    try writeCleanSet(in: dir)
    try dir.write("cfg.yaml", "input: in\nrejects_threshold: 0.1\n")
    let result = try BinaryRunner.run(["validate", "--config", dir.path("cfg.yaml")])
    #expect(result.status == 78)
    #expect(
      result.stderr.contains("cfg.yaml:2:1: error: unknown key 'rejects_threshold' in the configuration; did you mean 'reject_threshold'?"),
      "\(result.stderr)")
  }

  @Test func writesTheRejectsAndFailsOverTheThresholdAfterPrintingTheSummary() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    try writeCleanSet(in: dir)
    try writeUtilization(in: dir, ["P9,2026-10-02,office,,", "P2,2026-13-01,office,,", "P2,2026-10-03,walk-in,,"])
    let rejects = dir.path("rejects.csv")
    let result = try BinaryRunner.run(["validate", "--input", dir.path("in"), "--rejects", rejects])
    #expect(result.status == 65)
    #expect(result.stdout.contains("Rejects by reason"))
    #expect(result.stderr.contains("utilization.csv: 3 of 4 rows rejected (75.0%), over the threshold of 1.0%"))
    let text = try String(contentsOfFile: rejects, encoding: .utf8)
    #expect(
      text == """
        file,line,column,reason
        utilization.csv,3,patient_id,patient_id 'P9' is not in patients.csv
        utilization.csv,4,event_date,unparseable date in event_date '2026-13-01'; expected YYYY-MM-DD
        utilization.csv,5,event_type,"unknown event_type 'walk-in'; expected one of: ed, urgent_care, office, telehealth, no_show, cm_contact"

        """)
  }

  /// The same extracts with old Mac line ends (CR alone): the same summary and the same rejects at the same lines,
  /// the patient whose quoted name holds a line break included.
  @Test func crOnlyExtractsGiveTheSameRejectsAtTheSameLines() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    try writeCleanSet(in: dir)
    try writeUtilization(in: dir, ["P9,2026-10-02,office,,", "P2,2026-13-01,office,,"])
    let patients = try String(contentsOfFile: dir.path("in/patients.csv"), encoding: .utf8)
    try dir.write("in/patients.csv", patients + "P4,Al,Bo,1950-02-30,M,,PR1,,,,,,,N,\n")
    try FileManager.default.createDirectory(atPath: dir.path("cr"), withIntermediateDirectories: true)
    for file in ["patients.csv", "utilization.csv", "discharges.csv"] {
      let text = try String(contentsOfFile: dir.path("in/" + file), encoding: .utf8)
      try dir.write("cr/" + file, text.replacingOccurrences(of: "\n", with: "\r"))
    }
    let lf = try BinaryRunner.run(["validate", "--input", dir.path("in"), "--rejects", dir.path("lf.csv")])
    let cr = try BinaryRunner.run(["validate", "--input", dir.path("cr"), "--rejects", dir.path("cr.csv")])
    #expect(lf.status == 65 && cr.status == 65)
    #expect(cr.stdout == lf.stdout)
    let rejects = try String(contentsOfFile: dir.path("cr.csv"), encoding: .utf8)
    #expect(rejects == (try String(contentsOfFile: dir.path("lf.csv"), encoding: .utf8)))
    #expect(rejects.contains("patients.csv,6,birth_date,"))
    #expect(rejects.contains("utilization.csv,4,event_date,"))
  }

  @Test func aRaisedThresholdInTheConfigurationLetsTheSamePass() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    try writeCleanSet(in: dir)
    try writeUtilization(in: dir, ["P9,2026-10-02,office,,"])
    try dir.write("stratify.yaml", "input: in\nreject_threshold: 0.5\n")
    let result = try BinaryRunner.run(["validate"], in: dir.url)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("patient_id not in patients.csv"))
  }
}
