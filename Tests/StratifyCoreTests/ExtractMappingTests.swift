import Foundation
import Testing

@testable import StratifyCore

/// A mapping turns a foreign-shaped extract into the contract.
@Suite struct ExtractMappingTests {
  @Test func readsAForeignUtilizationExtractThroughItsMapping() throws {
    let folder = try TestFolder()
    defer { folder.remove() }
    var paths = try Extracts.write(in: folder)
    paths.utilization = try folder.write(
      "visits.csv",
      """
      MRN,Visit Date,Visit Type,Clinician,Dx
      P1,03/04/2026,Emergency,DR7,J44.1
      P2,12/31/2025 14:30,ER,DR8,
      P3,01/02/2026,urgent care,,
      P1,01/05/2026,office,,
      P2,2026-01-05,ED,,
      P3,01/06/2026,walk-in,,

      """)
    let config = try Configuration.parse(
      yaml: """
        mapping:
          utilization:
            columns: { mrn: patient_id, visit date: event_date, "Visit Type": event_type, clinician: provider_id, dx: primary_dx }
            date_format: "MM/DD/YYYY"
            values:
              event_type: { emergency: ed, er: ed, "Urgent Care": urgent_care }
        """, file: "stratify.yaml", relativeTo: folder.path)
    let result = try Extracts.load(paths, options: config.ingestOptions())
    let events = result.utilization.rows
    #expect(
      events == [
        // Grouped per patient (P1, P2, P3), file order within each.
        UtilizationEvent(date: Day(iso: "2026-03-04")!, type: .ed, providerID: "DR7", primaryDx: "J441"),
        UtilizationEvent(date: Day(iso: "2026-01-05")!, type: .office),
        UtilizationEvent(date: Day(iso: "2025-12-31")!, type: .ed, providerID: "DR8"),
        UtilizationEvent(date: Day(iso: "2026-01-02")!, type: .urgentCare),
      ])
    #expect(result.rejects.map(\.line) == [6, 7])
    #expect(result.rejects[0].reason.contains("unparseable date in event_date '2026-01-05'; expected MM/DD/YYYY"))
    #expect(result.rejects[1].reason.contains("unknown event_type 'walk-in'"))
  }

  @Test func anExplicitMappingWinsOverAColumnThatAlreadyHasTheContractName() throws {
    let binding = try HeaderBinding(
      header: ["patient_id", "event_date", "service_date", "event_type"], kind: .utilization,
      mapping: ExtractMapping(columns: ["Service_Date": "event_date"]))
    #expect(binding["event_date"]?.index == 2)
    #expect(binding.unknownColumns == ["event_date"])
  }

  @Test func mapsValuesOfTextAndYesNoColumns() throws {
    let folder = try TestFolder()
    defer { folder.remove() }
    let paths = try Extracts.write(
      in: folder, patients: ["P1,,,1950-01-02,female,,PR1,,,,,,,enrolled,", "P2,,,1950-01-02,M,,PR1,,,,,,,N,"])
    let options = IngestOptions(mappings: [
      .patients: ExtractMapping(values: ["sex": ["Female": "F"], "hospice": ["enrolled": "Y"]])
    ])
    let result = try Extracts.load(paths, options: options)
    #expect(result.patients.map(\.sex) == ["F", "M"])
    #expect(result.patients.map(\.hospice) == [true, false])
  }

  @Test(arguments: [
    ("M/D/YYYY", "3/4/2026", "2026-03-04"),
    ("M/D/YYYY", "12/31/2025", "2025-12-31"),
    ("DD.MM.YYYY", "04.03.2026", "2026-03-04"),
    ("YYYYMMDD", "20260304", "2026-03-04"),
    ("MM/DD/YYYY", "03/04/2026T10:00", "2026-03-04"),
    ("YYYY-MM-DD", "2026-03-04T10:11:12Z", "2026-03-04"),
  ])
  func parsesDatesInTheConfiguredFormat(pattern: String, text: String, expected: String) throws {
    #expect(try DateFormat(pattern: pattern).parse(text) == Day(iso: expected))
  }

  @Test(arguments: [
    ("MM/DD/YYYY", "3/4/2026"), ("MM/DD/YYYY", "02/30/2026"), ("M/D/YYYY", "3/4/26"), ("MM/DD/YYYY", "03/04/2026x"),
  ])
  func refusesDatesNotInTheFormat(pattern: String, text: String) throws {
    #expect(try DateFormat(pattern: pattern).parse(text) == nil)
  }

  @Test(arguments: ["YY-MM-DD", "MM/DD", "YYYY-MM-DD-DD", "YYYY-MM-DDTHH"])
  func refusesFormatsItCannotRead(pattern: String) {
    #expect(throws: DateFormatError.self) { try DateFormat(pattern: pattern) }
  }
}

/// Enumerated values are matched on their bytes, lower-cased eight at a time.
@Suite struct EnumMatcherTests {
  func match(_ text: String, map: [String: String]? = nil) -> EventType? {
    var copy = text
    return copy.withUTF8 { EnumMatcher<EventType>(valueMap: map).match($0) }
  }

  @Test func fieldsOfUpTo16BytesPackIntoTwoWordsWithoutReadingPastThem() {
    var generator = SystemRandomNumberGenerator()
    for n in 0...16 {
      // The field sits at the very end of its buffer, so a read past it would show in the words.
      let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: 32)
      defer { buffer.deallocate() }
      buffer.initialize(repeating: 0xFF)
      for i in 0..<n { buffer[32 - n + i] = UInt8.random(in: 0...0x7F, using: &generator) }
      let field = UnsafeBufferPointer(rebasing: buffer[(32 - n)...])
      var expected: (UInt64, UInt64) = (0, 0)
      for i in 0..<n {
        if i < 8 {
          expected.0 |= UInt64(field[i]) << UInt64(8 * i)
        } else {
          expected.1 |= UInt64(field[i]) << UInt64(8 * (i - 8))
        }
      }
      let words = FieldBytes.words(field)
      #expect(words.0 == expected.0 && words.1 == expected.1, "\(n) bytes")
    }
  }

  @Test func everySpellingMatchesIgnoringASCIICaseOnly() {
    for type in EventType.allCases {
      #expect(match(type.rawValue) == type)
      #expect(match(type.rawValue.uppercased()) == type)
      #expect(match(type.rawValue.prefix(1).uppercased() + type.rawValue.dropFirst()) == type)
      #expect(match(type.rawValue + "x") == nil)
      #expect(match(String(type.rawValue.dropLast())) == nil)
    }
    // Neighbours of the letters' range and non-ASCII bytes are not letters: nothing is folded onto a value.
    #expect(match("@d") == nil)
    #expect(match("[d") == nil)
    #expect(match("\u{C9}d") == nil)
    #expect(match("") == nil)
    #expect(match("emergency department", map: ["emergency department": "ed"]) == .ed)
    #expect(match("EMERGENCY DEPARTMENT VISIT", map: ["emergency department visit": "ed"]) == .ed)
  }
}
