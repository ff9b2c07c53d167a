import Foundation
import Logging
import Testing

@testable import StratifyCore

/// Conditions that stop the run: each with its error, message and exit status.
@Suite struct ExtractLoaderFatalTests {
  func load(_ files: [String: String?], threshold: Double = 0.01, enforcing: Bool = true) throws -> IngestResult {
    let folder = try TestFolder()
    defer { folder.remove() }
    let defaults: [String: String] = [
      "patients.csv": Extracts.file(Extracts.patientsHeader, [Extracts.patient("P1")]),
      "utilization.csv": Extracts.file(Extracts.utilizationHeader, [Extracts.event("P1")]),
      "discharges.csv": Extracts.file(Extracts.dischargesHeader, []),
    ]
    for (name, text) in defaults {
      switch files[name] {
      case .none: try folder.write(name, text)
      case .some(.none): break  // missing on purpose
      case .some(.some(let custom)): try folder.write(name, custom)
      }
    }
    return try ExtractLoader.load(
      InputPaths(folder: folder.path), options: IngestOptions(rejectThreshold: threshold),
      logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }), enforcingThreshold: enforcing)
  }

  /// The error `load` throws, as an `IngestError`.
  func failure(_ files: [String: String?], threshold: Double = 0.01) -> IngestError? {
    do {
      _ = try load(files, threshold: threshold)
      return nil
    } catch {
      return error as? IngestError
    }
  }

  @Test func aMissingFileExits66() throws {
    let error = try #require(failure(["utilization.csv": String?.none]))
    guard case .fileMissing(let file, let path) = error else { Issue.record("\(error)"); return }
    #expect(file == "utilization.csv")
    #expect(path.hasSuffix("/utilization.csv"))
    #expect(error.exitStatus == .noInput)
    #expect(error.description.contains("utilization.csv not found"))
  }

  @Test(arguments: ["patients.csv", "utilization.csv", "discharges.csv"])
  func anEmptyFileExits65(name: String) throws {
    for text in ["", "\n\n"] {
      let error = try #require(failure([name: text]))
      guard case .emptyFile(let file, _) = error else { Issue.record("\(error)"); return }
      #expect(file == name)
      #expect(error.exitStatus == .dataError)
    }
  }

  @Test func patientsWithAHeaderButNoRowsExits65() throws {
    let error = try #require(failure(["patients.csv": Extracts.patientsHeader + "\n"]))
    #expect(error == .noDataRows(file: "patients.csv", path: error.pathForTest))
    #expect(error.exitStatus == .dataError)
  }

  @Test func eventFilesWithOnlyAHeaderAreFine() throws {
    let result = try load([
      "utilization.csv": Extracts.utilizationHeader + "\n", "discharges.csv": Extracts.dischargesHeader,
    ])
    #expect(result.utilization.rows.isEmpty && result.discharges.rows.isEmpty)
    #expect(result.utilization.patientCount == 1)
  }

  @Test func aMissingRequiredColumnNamesItAndSuggestsTheClosestHeader() throws {
    let error = try #require(
      failure(["patients.csv": "patient_id,birthdate,practice_id\nP1,1950-01-02,PR1\n"]))
    #expect(
      error == .missingColumn(file: "patients.csv", column: "birth_date", header: ["patient_id", "birthdate", "practice_id"]))
    #expect(error.exitStatus == .dataError)
    #expect(error.description.contains("missing required column 'birth_date'"))
    #expect(error.description.contains("did you mean 'birthdate'?"))
  }

  /// A headerless export: its first line is a patient's row, which the message must not print.
  @Test func aFirstLineThatIsADataRowIsNoHeaderAndIsNotShown() throws {
    let row = Extracts.patient("P1")
    let error = try #require(failure(["patients.csv": row + "\n" + Extracts.patient("P2") + "\n"]))
    #expect(error == .noHeader(file: "patients.csv", fields: 15))
    #expect(error.exitStatus == .dataError)
    for secret in ["Ann", "Lee", "555-0100", "1950-01-02", "E11.9"] { #expect(!error.description.contains(secret)) }
    #expect(error.description.contains("patients.csv:1: no known column"), "\(error.description)")
    #expect(error.description.contains("'patient_id,birth_date,practice_id,…'"), "\(error.description)")
    let events = try #require(
      failure(["utilization.csv": Extracts.event("P1", "10/01/2026") + "\n" + Extracts.event("P1") + "\n"]))
    #expect(events == .noHeader(file: "utilization.csv", fields: 5))
  }

  /// A UTF-16 export: said plainly, instead of a header of NUL-separated letters.
  @Test func aUTF16FileIsNotUTF8() throws {
    let text = Extracts.file(Extracts.patientsHeader, [Extracts.patient("P1")])
    let bytes: [UInt8] = [0xFF, 0xFE] + text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
    let utf16 = String(decoding: bytes, as: UTF8.self)
    let error = try #require(failure(["patients.csv": utf16]))
    #expect(error == .notUTF8(file: "patients.csv"))
    #expect(error.exitStatus == .dataError)
    #expect(!error.description.contains("\u{0}"))
  }

  /// Another system's header (no contract column): not named either (no test of a cell's shape tells a column name
  /// from a patient's name), but the message says how to map it.
  @Test func aForeignHeaderIsNotNamedButTheMessageSaysHowToMapIt() throws {
    let error = try #require(failure(["patients.csv": "Id,BIRTHDATE,DEATHDATE,GENDER\nabc,1950-01-02,,M\n"]))
    #expect(error == .noHeader(file: "patients.csv", fields: 4))
    #expect(error.description.contains("map its names under mapping.patients.columns"), "\(error.description)")
    #expect(!error.description.contains("BIRTHDATE"))
    // One known column makes it a header: the missing one is named, with the closest header name.
    let named = try #require(failure(["patients.csv": "patient_id,BIRTHDATE,practice\nP1,1950-01-02,PR1\n"]))
    #expect(named.description.contains("missing required column 'birth_date'"), "\(named.description)")
    #expect(named.description.contains("did you mean 'BIRTHDATE'?"), "\(named.description)")
  }

  @Test func twoColumnsForOneContractColumnExit65() throws {
    let error = try #require(
      failure(["patients.csv": "patient_id,birth_date,practice_id,Patient_ID\nP1,1950-01-02,PR1,P1\n"]))
    guard case .duplicateColumn(_, let column, _, _) = error else { Issue.record("\(error)"); return }
    #expect(column == "patient_id")
  }

  @Test func anUnterminatedQuoteNamesFileAndStartLine() throws {
    let text = Extracts.file(Extracts.dischargesHeader, [Extracts.stay("P1")]) + "P1,\"E2,2026-01-01,2026-01-02\n"
    let error = try #require(failure(["discharges.csv": text]))
    #expect(error == .unterminatedQuote(file: "discharges.csv", line: 3))
    #expect(error.exitStatus == .dataError)
    #expect(error.description.hasPrefix("discharges.csv:3: unterminated quote"))
  }

  /// 100 utilization rows, `bad` of them with an unknown event type.
  func utilization(bad: Int) -> String {
    Extracts.file(Extracts.utilizationHeader, (0..<100).map { Extracts.event("P1", "2026-01-01", $0 < bad ? "zz" : "ed") })
  }

  @Test func aRejectShareAtTheThresholdPasses() throws {
    let result = try load(["utilization.csv": utilization(bad: 1)])
    #expect(result.inputs[1].rowsRejected == 1)
    #expect(result.rejectThresholdError == nil)
  }

  /// One bad birth date among 200 patients (0.5%) rejects that patient's stays too; they count as rejected in
  /// discharges.csv, but its share for the threshold is its own rows' (1 bad of 80 here: 1.25%, over 1%).
  @Test func rowsOfARejectedPatientDoNotCountTowardTheirFilesThreshold() throws {
    let patients = (1...200).map { Extracts.patient("P\($0)", birth: $0 == 7 ? "1950-13-01" : "1950-01-02") }
    let stays = (1...80).map { Extracts.stay($0 <= 2 ? "P7" : "P\($0 + 100)") }
    let files = [
      "patients.csv": Extracts.file(Extracts.patientsHeader, patients),
      "discharges.csv": Extracts.file(Extracts.dischargesHeader, stays),
    ]
    let result = try load(files)
    #expect(result.inputs[2].rowsRejected == 2)
    let categories = result.rejects.filter { $0.file == "discharges.csv" }.map(\.category)
    #expect(categories == [.rejectedPatient, .rejectedPatient])
    #expect(result.quality.files[2].ownRejected == 0)
    #expect(result.quality.text.contains("of a file's rows (rows of a patient rejected in patients.csv count only"))
    // A row bad on its own still counts: 1 of 80 is over 1%.
    let error = try #require(
      failure(
        files.merging(
          ["discharges.csv": Extracts.file(Extracts.dischargesHeader, stays.dropLast() + [Extracts.stay("P999")])]
        ) { $1 }))
    #expect(error == .rejectThresholdExceeded(file: "discharges.csv", rejected: 1, read: 80, threshold: 0.01))
  }

  @Test func aRejectShareOverTheThresholdExits65() throws {
    let error = try #require(failure(["utilization.csv": utilization(bad: 2)]))
    #expect(error == .rejectThresholdExceeded(file: "utilization.csv", rejected: 2, read: 100, threshold: 0.01))
    #expect(error.exitStatus == .dataError)
    #expect(error.description.contains("utilization.csv: 2 of 100 rows rejected (2.0%), over the threshold of 1.0%"))
  }

  @Test func theThresholdIsConfigurable() throws {
    #expect(failure(["utilization.csv": utilization(bad: 5)], threshold: 0.05) == nil)
    #expect(failure(["utilization.csv": utilization(bad: 6)], threshold: 0.05) != nil)
  }

  @Test func withoutEnforcingTheResultStillCarriesTheThresholdError() throws {
    let result = try load(["utilization.csv": utilization(bad: 3)], enforcing: false)
    #expect(result.rejects.count == 3)
    #expect(throws: IngestError.self) { try result.enforceRejectThreshold() }
  }
}

extension IngestError {
  /// The path a `noDataRows`/`emptyFile` error carries, so tests can compare the rest exactly.
  var pathForTest: String {
    switch self {
    case .noDataRows(_, let path), .emptyFile(_, let path), .fileMissing(_, let path): return path
    default: return ""
    }
  }
}
