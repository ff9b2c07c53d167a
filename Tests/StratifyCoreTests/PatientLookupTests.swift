import Foundation
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
}
