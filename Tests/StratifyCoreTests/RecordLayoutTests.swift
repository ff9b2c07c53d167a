import Testing

@testable import StratifyCore

/// A million patients are held at once: their record's size is part of the memory budget.
@Suite struct RecordLayoutTests {
  @Test func aPatientRecordTakes128BytesAndKeepsItsValues() {
    #expect(MemoryLayout<PatientRecord>.stride == 128)
    var record = PatientRecord(
      id: "P1", line: 123_456_789, birthDate: Day(iso: "1950-01-02")!, practiceID: "PR1", medicationCount: 999_999_999)
    #expect(record.line == 123_456_789)
    #expect(record.medicationCount == 999_999_999)
    record.medicationCount = nil
    record.line = 7
    #expect(record.medicationCount == nil && record.line == 7)
  }

  static let texts: [[String?]] = [
    ["Ann", "Lee", "F", "555-0100", "PR1", "DR1", "CM1", "medicare"],
    [nil, nil, nil, nil, "PR1", nil, nil, nil],
    ["", "", "", "", "", "", "", ""],
    ["Zoë", "Nguyễn", "X", nil, "PR\u{212A}", "DR1", "", "self"],
    // 56 bytes in all (the most that packs), then 57 (kept as Strings).
    [String(repeating: "a", count: 49), nil, "F", nil, "PR1", nil, "CM1", nil],
    [String(repeating: "a", count: 50), nil, "F", nil, "PR1", nil, "CM1", nil],
    ["Ann", String(repeating: "b", count: 300), "F", nil, "PR1", nil, nil, "medicaid"],
  ]

  @Test(arguments: texts)
  func theTextsOfARecordReadBackAsTheyWereGiven(values: [String?]) {
    var record = PatientRecord(
      id: "P1", firstName: values[0], lastName: values[1], birthDate: Day(iso: "1950-01-02")!, sex: values[2],
      phone: values[3], practiceID: values[4]!, pcpID: values[5], caseManagerID: values[6], payer: values[7])
    let read: [String?] = [
      record.firstName, record.lastName, record.sex, record.phone, record.practiceID, record.pcpID,
      record.caseManagerID, record.payer,
    ]
    #expect(read == values)
    let before = record
    record.phone = "555-0199"
    #expect(record.phone == "555-0199" && record != before)
    record.phone = values[3]
    #expect(record == before)
    record.lastName = String(repeating: "c", count: 60)
    #expect(record.lastName?.count == 60 && record.firstName == values[0] && record.payer == values[7])
  }

  @Test func packedBytesReadBackAsTheStringsOfThoseBytes() {
    let fields: [[UInt8]?] = [
      [0x41, 0xFF, 0x42], nil, [], Array("é".utf8), [0x50, 0x31], nil, [0xC3], Array("x".utf8),
    ]
    var packer = PatientTexts.Packer()
    for field in fields {
      if let field { field.withUnsafeBufferPointer { packer.add($0) } } else { packer.add(nil) }
    }
    for (k, field) in fields.enumerated() {
      #expect(packer.texts[PatientTexts.Field(rawValue: k)!] == field.map { String(decoding: $0, as: UTF8.self) })
    }
  }

  /// Texts of every length up to 20 in every position, so that texts ending at the packed form's last byte, and
  /// sets that just fit or just do not, all read back.
  @Test func textsOfAnyLengthsReadBackWhereverTheyArePacked() {
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    func next(_ bound: Int) -> Int {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Int(state >> 33) % bound
    }
    for _ in 0..<2000 {
      let fields: [[UInt8]?] = (0..<8).map { k in
        let length = next(22) - 1
        return length < 0 ? nil : (0..<length).map { UInt8(0x41 + (k * 7 + $0) % 26) }
      }
      var packer = PatientTexts.Packer()
      for field in fields {
        if let field { field.withUnsafeBufferPointer { packer.add($0) } } else { packer.add(nil) }
      }
      for (k, field) in fields.enumerated() {
        #expect(packer.texts[PatientTexts.Field(rawValue: k)!] == field.map { String(decoding: $0, as: UTF8.self) })
      }
      #expect(packer.texts == PatientTexts(fields.map { $0.map { String(decoding: $0, as: UTF8.self) } }))
    }
  }

  @Test func aScoreTakes40BytesAndKeepsItsValues() {
    #expect(MemoryLayout<PatientScore>.stride == 40)
    var score = PatientScore(
      patient: 999_999, score: -RuleSet.maxPoints * 20, tier: "t", contributions: [], actions: [])
    #expect(score.patient == 999_999 && score.score == -2_000_000)
    score.score = nil
    #expect(score.score == nil)
    score.score = 0
    #expect(score.score == 0)
  }

  @Test func aStayTakes24BytesAndKeepsItsTexts() {
    #expect(MemoryLayout<DischargeRecord>.stride == 24)
    var stay = DischargeRecord(
      encounterID: "E1", admitDate: Day(iso: "2026-01-01")!, dischargeDate: Day(iso: "2026-01-03")!,
      admitType: .emergency, disposition: .home)
    #expect(stay.encounterID == "E1" && stay.facility == nil && stay.primaryDx == nil)
    stay.facility = "Mercy"
    stay.primaryDx = "I10"
    #expect(stay.encounterID == "E1" && stay.facility == "Mercy" && stay.primaryDx == "I10")
    stay.encounterID = nil
    #expect(stay.encounterID == nil && stay.facility == "Mercy")
    #expect(stay != DischargeRecord(admitDate: stay.admitDate, dischargeDate: stay.dischargeDate))
  }
}
