import Testing

@testable import StratifyCore

/// A million patients are held at once: their record's size is part of the memory budget.
@Suite struct RecordLayoutTests {
  @Test func aPatientRecordTakes184BytesAndKeepsItsValues() {
    #expect(MemoryLayout<PatientRecord>.stride == 184)
    var record = PatientRecord(
      id: "P1", line: 123_456_789, birthDate: Day(iso: "1950-01-02")!, practiceID: "PR1", medicationCount: 999_999_999)
    #expect(record.line == 123_456_789)
    #expect(record.medicationCount == 999_999_999)
    record.medicationCount = nil
    record.line = 7
    #expect(record.medicationCount == nil && record.line == 7)
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
}
