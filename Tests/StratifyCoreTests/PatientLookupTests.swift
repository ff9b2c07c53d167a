import Foundation
import Logging
import Testing

@testable import StratifyCore

/// Utilization and discharge rows find their patient from the id's bytes when they can, and always with the
/// answer the `String` lookup gives (canonically equivalent ids are the same patient).
@Suite struct PatientLookupTests {
  @Test(arguments: [
    ("P1", "P1"), ("PATIENT-0000000001234", "PATIENT-0000000001234"), ("P\u{E9}1", "Pe\u{301}1"),
    ("PK1", "P\u{212A}1"), ("P\u{212A}1", "PK1"), ("  P1 ", "P1"),
  ])
  func rowsFindTheirPatientAsStringsWould(stored: String, referred: String) throws {
    let folder = try TestFolder()
    defer { folder.remove() }
    let paths = try Extracts.write(
      in: folder, patients: [Extracts.patient(stored), Extracts.patient("P2")],
      utilization: [Extracts.event(referred), Extracts.event("P2")], discharges: [Extracts.stay(referred)])
    let result = try Extracts.load(paths)
    #expect(result.rejects.isEmpty)
    #expect(Array(result.utilization[0]).count == 1)
    #expect(Array(result.discharges[0]).count == 1)
  }

  @Test func anUnknownShortIDIsStillRejectedWithItsReason() throws {
    let folder = try TestFolder()
    defer { folder.remove() }
    let paths = try Extracts.write(in: folder, utilization: [Extracts.event("P1"), Extracts.event("P4")])
    let result = try Extracts.load(paths)
    #expect(result.rejects.map(\.reason) == ["patient_id 'P4' is not in patients.csv"])
  }

  @Test func shortKeysAreMadeOnlyForASCIIIdsUpTo16Bytes() {
    #expect(ShortPatientID("P0000001") != nil)
    #expect(ShortPatientID("P0000001") == ShortPatientID("P0000001"))
    #expect(ShortPatientID("P0000001") != ShortPatientID("P0000002"))
    #expect(ShortPatientID("P000000100000000") != ShortPatientID("P000000100000001"))
    #expect(ShortPatientID("AB") != ShortPatientID("AB\u{0}"))
    #expect(ShortPatientID("12345678901234567") == nil)
    #expect(ShortPatientID("P\u{E9}1") == nil)
    #expect(ShortPatientID("") == nil)
  }

  @Test func theDirectoryFindsEveryIdAfterGrowingAndReportsDuplicatesAsStringsWould() {
    var directory = PatientDirectory()
    let ids =
      (0..<5000).map { "P\(String(format: "%07d", $0 * 7919 % 100_000))" } + ["A-VERY-LONG-PATIENT-ID-1", "P\u{E9}9"]
    for id in ids { #expect(directory.insert(id) == nil) }
    #expect(directory.count == ids.count)
    for (k, id) in ids.enumerated() {
      #expect(directory.position(of: id) == Int32(k))
      #expect(directory.find(ShortPatientID(id)) == (ShortPatientID(id) == nil ? nil : Int32(k)))
      #expect(
        directory.find(ShortPatientID(id), after: Int32(k == 0 ? 0 : k - 1))
          == (ShortPatientID(id) == nil ? nil : Int32(k)))
    }
    #expect(directory.insert(ids[42]) == 42)
    #expect(directory.insert("Pe\u{301}9") == Int32(ids.count - 1))
    #expect(directory.position(of: "P9999999") == nil)
    #expect(directory.count == ids.count)

    var kelvin = PatientDirectory()
    #expect(kelvin.insert("P\u{212A}1") == nil)
    #expect(kelvin.insert("PK1") == 0)
    var ascii = PatientDirectory()
    #expect(ascii.insert("PK1") == nil)
    #expect(ascii.insert("P\u{212A}1") == 0)
  }

  /// `ExtractLoader.load` hands out the accepted patients once patients.csv is read; a lookup hinted with the
  /// previous answer (ids read in the file's order) gives what a lookup without a hint gives, hint right or wrong.
  @Test func theLookupHandedOutAfterPatientsAnswersAsTheDirectoryWhateverTheHint() throws {
    let folder = try TestFolder()
    defer { folder.remove() }
    let ids = ["P1", "P2", "A-VERY-LONG-PATIENT-ID-1", "P3", "P\u{E9}1", "P4"]
    let paths = try Extracts.write(in: folder, patients: (ids + ["P2"]).map { Extracts.patient($0) })
    var lookups: [PatientLookup] = []
    let result = try ExtractLoader.load(
      paths, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }), enforcingThreshold: false
    ) { lookups.append($0) }
    #expect(lookups.count == 1)
    let lookup = try #require(lookups.first)
    #expect(lookup.patientCount == ids.count)
    func position(_ id: String, after hint: Int) -> Int? {
      var bytes = Array(id.utf8)
      return bytes.withUnsafeMutableBytes { lookup.position(ofBytes: UnsafeRawBufferPointer($0), after: hint) }
    }
    for (k, id) in ids.enumerated() {
      for hint in [-1, k - 1, k, k + 3, ids.count + 5] {
        #expect(position(id, after: hint) == k, "\(id) after \(hint)")
      }
      #expect(position(id, after: -1) == result.patientPosition(of: id))
    }
    #expect(position("Pe\u{301}1", after: 3) == 4)
    #expect(position("P9", after: 0) == nil)
    #expect(position("P9", after: -1) == nil)
  }

  @Test func noLookupIsHandedOutForAPatientsFileWithoutRows() throws {
    let folder = try TestFolder()
    defer { folder.remove() }
    let paths = try Extracts.write(in: folder, patients: [], utilization: [], discharges: [])
    var calls = 0
    #expect(throws: IngestError.self) {
      _ = try ExtractLoader.load(paths, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })) {
        _ in calls += 1
      }
    }
    #expect(calls == 0)
  }
}
