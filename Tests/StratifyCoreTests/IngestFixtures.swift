import Foundation
import Logging
import Testing

@testable import StratifyCore

/// A fresh temporary folder for one test's files.
struct TestFolder {
  let path: String

  init() throws {
    path = FileManager.default.temporaryDirectory.appendingPathComponent("stratify-core-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  }

  /// Writes `text` byte for byte (no newline added) and returns the file's path.
  @discardableResult
  func write(_ name: String, _ text: String) throws -> String {
    let file = path + "/" + name
    try FileManager.default.createDirectory(
      atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    try Data(text.utf8).write(to: URL(fileURLWithPath: file))
    return file
  }

  func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// Contract-shaped extract text for tests: headers and good rows, so each test only spells out what is special.
enum Extracts {
  static let patientsHeader =
    "patient_id,first_name,last_name,birth_date,sex,phone,practice_id,pcp_id,case_manager_id,payer,conditions,"
    + "medication_count,social_needs,hospice,deceased_date"
  static let utilizationHeader = "patient_id,event_date,event_type,provider_id,primary_dx"
  static let dischargesHeader =
    "patient_id,encounter_id,admit_date,discharge_date,facility,admit_type,disposition,primary_dx"

  static func patient(_ id: String, birth: String = "1950-01-02", practice: String = "PR1", hospice: String = "N")
    -> String
  {
    "\(id),Ann,Lee,\(birth),F,555-0100,\(practice),DR1,CM1,medicare,E11.9;i50.9,3,Food; housing,\(hospice),"
  }

  static func event(_ id: String, _ date: String = "2026-10-01", _ type: String = "ed") -> String {
    "\(id),\(date),\(type),DR1,R07.9"
  }

  static func stay(_ id: String, admit: String = "2026-10-01", discharge: String = "2026-10-05",
                   disposition: String = "home") -> String {
    "\(id),E1,\(admit),\(discharge),General,emergency,\(disposition),I50.9"
  }

  static func file(_ header: String, _ rows: [String]) -> String {
    ([header] + rows).joined(separator: "\n") + "\n"
  }

  /// Writes the three extracts into `folder` and returns their paths.
  static func write(
    in folder: TestFolder, patients: [String] = ["P1", "P2", "P3"].map { patient($0) },
    utilization: [String] = [event("P1"), event("P2", "2026-10-02", "office")],
    discharges: [String] = [stay("P1")]
  ) throws -> InputPaths {
    try folder.write("patients.csv", file(patientsHeader, patients))
    try folder.write("utilization.csv", file(utilizationHeader, utilization))
    try folder.write("discharges.csv", file(dischargesHeader, discharges))
    return InputPaths(folder: folder.path)
  }

  /// Loads without the threshold check (tests about single rejects would trip it) and checks that no row was
  /// lost: per file, rows read = accepted + rejected, and the rejects match the counts.
  static func load(_ paths: InputPaths, options: IngestOptions = IngestOptions()) throws -> IngestResult {
    let result = try ExtractLoader.load(
      paths, options: options, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }),
      enforcingThreshold: false)
    for input in result.inputs {
      #expect(input.rowsRead == input.rowsAccepted + input.rowsRejected, "\(input.file)")
      #expect(result.rejects.filter { $0.file == input.file }.count == input.rowsRejected, "\(input.file)")
    }
    #expect(result.inputs[0].rowsAccepted == result.patients.count)
    #expect(result.inputs[1].rowsAccepted == result.utilization.rows.count)
    #expect(result.inputs[2].rowsAccepted == result.discharges.rows.count)
    return result
  }

  /// Loads `paths` sequentially and in `chunks` chunks of blocks of `blockSize` bytes, and expects the same
  /// patients, rejects, summaries and utilization rows; returns the sequential result.
  @discardableResult
  static func loadSequentiallyAndChunked(_ paths: InputPaths, blockSize: Int, chunks: Int) throws -> IngestResult {
    let sequential = try load(paths, options: IngestOptions(chunkCount: 1))
    let chunked = try load(paths, options: IngestOptions(blockSize: blockSize, chunkCount: chunks))
    #expect(chunked.patients == sequential.patients)
    #expect(chunked.rejects == sequential.rejects)
    #expect(chunked.inputs == sequential.inputs)
    #expect(chunked.utilization.rows == sequential.utilization.rows)
    return sequential
  }
}
