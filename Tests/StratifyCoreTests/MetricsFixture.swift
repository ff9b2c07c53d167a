import Foundation

@testable import StratifyCore

/// A small panel whose every figure is worked out by hand in the comments, as of Monday 2026-11-30 (the 30-day window
/// is 2026-11-01…2026-11-30; Thanksgiving is Thursday 2026-11-26).
///
/// | patient | practice | CM  | tier (prev → now)   | stays (admit → discharge)             | events |
/// |---------|----------|-----|---------------------|---------------------------------------|--------|
/// | P1      | PR1      | CM1 | high → top          | 11-20 → Wed 11-25                     | cm_contact 11-30, ed 2026-03-01, ed 2026-12-01 (after as-of), no_show 2026-02-01, office 2025-11-30 (outside 12 months) |
/// | P2      | PR1      | CM1 | top → top           | 11-02 → Fri 11-06; 11-15 → 11-18      | cm_contact 11-11 (late), 11-18 (discharge day); office 11-12; ed 06-01, 07-01; no_show 05-01 |
/// | P3      | PR2      | —   | excluded → high     | 10-01 → 10-20; 11-10 → Thu 11-12      | office 11-12 (discharge day), telehealth 11-26, cm_contact 11-16, no_show 01-10, 01-20 |
/// | P4      | PR2      | CM2 | top → low           | —                                     | ed 2026-10-01, ed 2025-12-01, urgent_care 10-02, office 09-01 |
/// | P5      | PR1      | CM2 | top → excluded      | —                                     | — |
/// | P6      | PR3      | CM3 | (new) → low         | —                                     | — |
/// | P9      | —        | —   | low → (departed)    |                                       | |
enum MetricsFixture {
  static let asOf = day("2026-11-30")

  static func day(_ text: String) -> Day { Day(iso: text)! }

  static let patients: [PatientRecord] = [
    patient("P1", practice: "PR1", cm: "CM1"), patient("P2", practice: "PR1", cm: "CM1"),
    patient("P3", practice: "PR2", cm: nil), patient("P4", practice: "PR2", cm: "CM2"),
    patient("P5", practice: "PR1", cm: "CM2"), patient("P6", practice: "PR3", cm: "CM3"),
  ]

  static func patient(_ id: String, practice: String, cm: String?) -> PatientRecord {
    PatientRecord(
      id: id, firstName: "Fname\(id)", lastName: "Lname\(id)", birthDate: day("1941-03-0\(id.last!)"),
      phone: "555-01\(id.last!)\(id.last!)", practiceID: practice, caseManagerID: cm, conditions: ["I509", "N184"])
  }

  static var data: PatientData {
    let stays: [(Int32, DischargeRecord)] = [
      (0, stay("2026-11-20", "2026-11-25")),
      (1, stay("2026-11-02", "2026-11-06")), (1, stay("2026-11-15", "2026-11-18")),
      (2, stay("2026-10-01", "2026-10-20")), (2, stay("2026-11-10", "2026-11-12")),
    ]
    let events: [(Int32, UtilizationEvent)] = [
      (0, event("2026-11-30", .cmContact)), (0, event("2026-03-01", .ed)), (0, event("2026-12-01", .ed)),
      (0, event("2026-02-01", .noShow)), (0, event("2025-11-30", .office)),
      (1, event("2026-11-11", .cmContact)), (1, event("2026-11-18", .cmContact)), (1, event("2026-11-12", .office)),
      (1, event("2026-06-01", .ed)), (1, event("2026-07-01", .ed)), (1, event("2026-05-01", .noShow)),
      (2, event("2026-11-12", .office)), (2, event("2026-11-26", .telehealth)), (2, event("2026-11-16", .cmContact)),
      (2, event("2026-01-10", .noShow)), (2, event("2026-01-20", .noShow)),
      (3, event("2026-10-01", .ed)), (3, event("2025-12-01", .ed)), (3, event("2026-10-02", .urgentCare)),
      (3, event("2026-09-01", .office)),
    ]
    return PatientData(
      patients: patients,
      utilization: GroupedRows(patientCount: patients.count, patients: events.map(\.0), rows: events.map(\.1)),
      discharges: GroupedRows(patientCount: patients.count, patients: stays.map(\.0), rows: stays.map(\.1)))
  }

  static func stay(_ admit: String, _ discharge: String) -> DischargeRecord {
    DischargeRecord(
      encounterID: "E-\(admit)", admitDate: day(admit), dischargeDate: day(discharge), admitType: .emergency,
      disposition: .home, primaryDx: "I509")
  }

  static func event(_ date: String, _ type: EventType) -> UtilizationEvent {
    UtilizationEvent(date: day(date), type: type, providerID: "DR1", primaryDx: "E119")
  }

  /// Tiers excluded (hospice), top (≥ 5), high (≥ 2), low; rules old, ed, chronic in that order.
  static func ruleSet() throws -> RuleSet {
    let fixture = try RuleFileFixture(
      RuleFileFixture.ruleFile(
        scoring: "  - { id: ed, label: ED use, when: 'true', points: 2 }\n"
          + "  - { id: chronic, label: Chronic conditions, when: 'true', points: 3 }",
        tiers: "  - { name: excluded, when: 'patient.hospice', exclusion: true }\n"
          + "  - { name: top, min_score: 5, label: Top tier }\n  - { name: high, min_score: 2 }\n  - { name: low }"))
    defer { fixture.remove() }
    return try fixture.load()
  }

  static var scores: [PatientScore] {
    func c(_ rule: String, _ points: Int) -> Contribution { Contribution(ruleID: rule, points: points, reason: rule) }
    return [
      PatientScore(patient: 0, score: 5, tier: "top", contributions: [c("ed", 2), c("chronic", 3)], actions: []),
      PatientScore(patient: 1, score: 5, tier: "top", contributions: [c("ed", 2), c("chronic", 3)], actions: []),
      PatientScore(patient: 2, score: 3, tier: "high", contributions: [c("chronic", 3)], actions: []),
      PatientScore(patient: 3, score: 2, tier: "low", contributions: [c("ed", 2)], actions: []),
      PatientScore(patient: 4, score: nil, tier: "excluded", contributions: [], actions: []),
      PatientScore(patient: 5, score: 0, tier: "low", contributions: [c("old", 0)], actions: []),
    ]
  }

  static let previousTiers = ["P1": "high", "P2": "top", "P3": "excluded", "P4": "top", "P5": "top", "P9": "low"]

  /// CM1: P1 ×2 (not overdue), P2 (overdue, over capacity); CM2: P4 (due today); unassigned-PR2: P3 (overdue).
  static let items: [WorklistItem] = [
    item("P1", cm: "CM1", practice: "PR1", action: "tcm_contact", due: "2026-12-01", tier: "top"),
    item("P1", cm: "CM1", practice: "PR1", action: "followup_visit", due: "2026-12-09", tier: "top"),
    item("P2", cm: "CM1", practice: "PR1", action: "care_plan_review", due: "2026-11-25", tier: "top", over: true),
    item("P4", cm: "CM2", practice: "PR2", action: "ed_followup", due: "2026-11-30", tier: "low"),
    item("P3", cm: "", practice: "PR2", action: "followup_visit", due: "2026-11-28", tier: "high"),
  ]

  static func item(
    _ patient: String, cm: String, practice: String, action: String, due: String, tier: String, over: Bool = false
  ) -> WorklistItem {
    WorklistItem(
      list: cm.isEmpty ? "unassigned-\(practice)" : cm, caseManagerID: cm, patientID: patient, action: action,
      actionLabel: action, priority: 1, due: day(due), daysUntilDue: day(due) - asOf, tier: tier, tierRank: 0, score: 5,
      firstName: "Fname\(patient)", lastName: "Lname\(patient)", phone: "555-0100", practiceID: practice, pcpID: "DR1",
      reasons: [], status: .new, openedOn: asOf, daysOnList: 0, overCapacity: over)
  }

  static let capacity = CaseloadCapacity(defaults: ["top": 1, "high": 2], perCaseManager: ["CM2": ["low": 5]])

  static let inputs: [InputFileSummary] = [
    InputFileSummary(
      kind: .patients, file: "patients.csv", path: "/in/patients.csv", byteCount: 1, sha256: "", rowsRead: 8,
      rowsAccepted: 6, rowsRejected: 2, unknownColumns: []),
    InputFileSummary(
      kind: .utilization, file: "utilization.csv", path: "/in/utilization.csv", byteCount: 1, sha256: "", rowsRead: 21,
      rowsAccepted: 20, rowsRejected: 1, unknownColumns: []),
    InputFileSummary(
      kind: .discharges, file: "discharges.csv", path: "/in/discharges.csv", byteCount: 1, sha256: "", rowsRead: 5,
      rowsAccepted: 5, rowsRejected: 0, unknownColumns: ["ward"]),
  ]

  static let rejects: [Reject] = [
    Reject(file: "patients.csv", line: 3, column: "birth_date", reason: "bad", category: .unparseableDate),
    Reject(file: "patients.csv", line: 5, column: "patient_id", reason: "dup", category: .duplicatePatient),
    Reject(file: "utilization.csv", line: 9, column: "event_type", reason: "x", category: .unknownEnum),
  ]

  /// The input with the US federal calendar (Thanksgiving only); `extraHolidays` adds closures.
  static func input(extraHolidays: [String] = [], previous: Bool = true) throws -> MetricsInput {
    MetricsInput(
      asOf: asOf, calendar: BusinessCalendar.usFederal.adding(extraHolidays.map(day)), capacity: capacity,
      ruleSet: try ruleSet(), inputs: inputs, rejects: rejects, rejectThreshold: 0.01, data: data, scores: scores,
      items: items, closedSinceLastRun: 4, previousRun: previous ? day("2026-11-27") : nil,
      previousTiers: previous ? previousTiers : [:])
  }
}
