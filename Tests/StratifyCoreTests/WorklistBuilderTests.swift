import Testing

@testable import StratifyCore

@Suite struct WorklistBuilderTests {
  let asOf = Day(iso: "2026-11-20")!

  func ruleSet() throws -> RuleSet {
    let fixture = try RuleFileFixture(
      RuleFileFixture.ruleFile(
        tiers: "  - { name: top, min_score: 5 }\n  - { name: high, min_score: 2 }\n  - { name: low }",
        actions: "  - { id: call, label: Call, when: 'true', due: as_of }\n"))
    defer { fixture.remove() }
    return try fixture.load()
  }

  func patient(_ id: String, cm: String? = nil, practice: String = "PR1") -> PatientRecord {
    PatientRecord(
      id: id, firstName: "F\(id)", lastName: "L\(id)", birthDate: Day(iso: "1950-01-01")!, phone: "555-0100",
      practiceID: practice, caseManagerID: cm)
  }

  func score(_ p: Int, _ score: Int, _ tier: String, due: String, action: String = "call", priority: Int = 3)
    -> PatientScore
  {
    PatientScore(
      patient: p, score: score, tier: tier, contributions: [Contribution(ruleID: "r", points: score, reason: "Reason")],
      actions: [ActionOutcome(actionID: action, label: action, due: Day(iso: due)!, priority: priority, closed: false)])
  }

  @Test func ordersOverdueFirstThenDueDateTierScoreAndPatient() throws {
    let patients = (0..<6).map { patient("P\($0)", cm: "CM1") }
    let scores = [
      score(0, 2, "high", due: "2026-11-25"),
      score(1, 6, "top", due: "2026-11-25"),
      score(2, 7, "top", due: "2026-11-25"),
      score(3, 2, "high", due: "2026-11-18"),
      score(4, 2, "high", due: "2026-11-19"),
      score(5, 7, "top", due: "2026-11-24"),
    ]
    let items = WorklistBuilder(ruleSet: try ruleSet(), asOf: asOf).build(
      scores: scores, patients: patients, previous: PreviousWorklist())
    #expect(items.map(\.patientID) == ["P3", "P4", "P5", "P2", "P1", "P0"])
    #expect(items.map(\.daysUntilDue) == [-2, -1, 4, 5, 5, 5])
  }

  @Test func patientsWithoutACaseManagerGoToTheirPracticesUnassignedList() throws {
    let patients = [patient("P0", cm: "CM2"), patient("P1", practice: "PR9"), patient("P2", cm: "CM1")]
    let scores = (0..<3).map { score($0, 2, "high", due: "2026-11-20") }
    let items = WorklistBuilder(ruleSet: try ruleSet(), asOf: asOf).build(
      scores: scores, patients: patients, previous: PreviousWorklist())
    #expect(items.map(\.list) == ["CM1", "CM2", "unassigned-PR9"])
    #expect(items[2].caseManagerID == "")
  }

  @Test func statusAgainstThePreviousRun() throws {
    let patients = (0..<4).map { patient("P\($0)", cm: "CM1") }
    let rank = ["top": 0, "high": 1, "low": 2]
    var previous = PreviousWorklist(asOf: Day(iso: "2026-11-19"))
    let opened = Day(iso: "2026-11-10")!
    previous.open[PreviousWorklist.key(patient: "P1", action: "call")] = .init(
      openedOn: opened, tierRank: rank["high"]!)
    previous.open[PreviousWorklist.key(patient: "P2", action: "call")] = .init(
      openedOn: opened, tierRank: rank["high"]!)
    previous.open[PreviousWorklist.key(patient: "P3", action: "call")] = .init(openedOn: opened, tierRank: rank["top"]!)
    let scores = [
      score(0, 2, "high", due: "2026-11-20"), score(1, 2, "high", due: "2026-11-21"),
      score(2, 6, "top", due: "2026-11-22"), score(3, 2, "high", due: "2026-11-23"),
    ]
    let items = WorklistBuilder(ruleSet: try ruleSet(), asOf: asOf).build(
      scores: scores, patients: patients, previous: previous)
    #expect(items.map(\.status) == [.new, .carried, .escalated, .deescalated])
    #expect(items.map(\.daysOnList) == [0, 10, 10, 10])
    #expect(items.map(\.openedOn) == [asOf, opened, opened, opened])
  }

  @Test func capacityFlagsThePatientsBeyondItAndDropsNobody() throws {
    let patients = (0..<5).map { patient("P\($0)", cm: "CM1") }
    let scores = (0..<5).map { score($0, 2, "high", due: "2026-11-2\($0)") }
    let capacity = CaseloadCapacity(defaults: ["high": 3], perCaseManager: ["CM9": ["high": 1]])
    let items = WorklistBuilder(ruleSet: try ruleSet(), asOf: asOf, capacity: capacity).build(
      scores: scores, patients: patients, previous: PreviousWorklist())
    #expect(items.count == 5)
    #expect(items.map(\.overCapacity) == [false, false, false, true, true])
  }

  @Test func capacityCountsPatientsNotActions() throws {
    let patients = [patient("P0", cm: "CM1"), patient("P1", cm: "CM1")]
    var first = score(0, 2, "high", due: "2026-11-20")
    first.actions.append(ActionOutcome(actionID: "visit", label: "Visit", due: asOf, priority: 1, closed: false))
    let items = WorklistBuilder(
      ruleSet: try ruleSet(), asOf: asOf, capacity: CaseloadCapacity(defaults: ["high": 1])
    ).build(scores: [first, score(1, 2, "high", due: "2026-11-20")], patients: patients, previous: PreviousWorklist())
    #expect(items.map(\.patientID) == ["P0", "P0", "P1"])
    #expect(items.map(\.overCapacity) == [false, false, true])
  }

  @Test func closedActionsAndUnscoredPatientsAreNotListed() throws {
    var s = score(0, 2, "high", due: "2026-11-20")
    s.actions[0].closed = true
    let unscored = PatientScore(patient: 1, score: nil, tier: "none", contributions: [], actions: [])
    let items = WorklistBuilder(ruleSet: try ruleSet(), asOf: asOf).build(
      scores: [s, unscored], patients: [patient("P0", cm: "CM1"), patient("P1")], previous: PreviousWorklist())
    #expect(items.isEmpty)
  }
}
