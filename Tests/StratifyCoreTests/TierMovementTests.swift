import Testing

@testable import StratifyCore

@Suite struct TierMovementTests {
  let rank: (String) -> Int? = { ["top": 0, "high": 1, "low": 2][$0] }
  let current = [
    (patientID: "P1", tier: "top"), ("P2", "top"), ("P3", "high"), ("P4", "low"), ("P5", "excluded"), ("P6", "low"),
  ]

  @Test func countsEscalationsDeEscalationsAndMovesInvolvingUnrankedTiers() {
    let m = TierMovement(current: current, previous: MetricsFixture.previousTiers, rank: rank)
    #expect(m.compared == 5)
    #expect(m.unchanged == 1)  // P2
    #expect(m.escalated == 1)  // P1 high → top
    #expect(m.deEscalated == 1)  // P4 top → low
    #expect(m.other == 2)  // P3 excluded → high, P5 top → excluded
    #expect(m.newPatients == 1)  // P6
    #expect(m.newByTier == ["low": 1])
    #expect(m.departedPatients == 1)  // P9
    #expect(m.departedByTier == ["low": 1])
    #expect(m.matrix == ["high": ["top": 1], "top": ["top": 1, "low": 1, "excluded": 1], "excluded": ["high": 1]])
  }

  @Test func theMatrixAndTheNewAndDepartedAccountForEveryPatientOfBothRuns() {
    let previous = MetricsFixture.previousTiers
    let m = TierMovement(current: current, previous: previous, rank: rank)
    let cells = m.matrix.values.flatMap(\.values).reduce(0, +)
    #expect(cells + m.newPatients == current.count)
    #expect(cells + (m.departedPatients ?? 0) == previous.count)
  }

  @Test func aPracticeDoesNotCountDepartedPatients() {
    let m = TierMovement(
      current: Array(current.prefix(2)), previous: MetricsFixture.previousTiers, rank: rank, countDeparted: false)
    #expect(m.departedPatients == nil)
    #expect(m.departedByTier.isEmpty)
    #expect(m.compared == 2)
  }

  @Test func theFirstRunHasOnlyNewPatients() {
    let m = TierMovement(current: current, previous: [:], rank: rank)
    #expect(m.newPatients == 6)
    #expect(m.compared == 0)
    #expect(m.departedPatients == 0)
  }

  /// Previous tiers matched by position give the figures a dictionary by id gives, ids equal as `String`s (a
  /// composed and a decomposed é) included.
  @Test func previousTiersByPositionMatchIdsAsStringsCompare() {
    let previous = ["P1": "high", "Jos\u{E9}": "low", "P9": "low"]
    let ids = ["P2", "Jose\u{301}", "P1"]
    let tiers = PreviousTiers(previous, patientIDs: ids)
    #expect(tiers.tier(of: 0) == nil)
    #expect(tiers.tier(of: 1) == "low")
    #expect(tiers.tier(of: 2) == "high")
    #expect(tiers.total == 3)
    #expect(Dictionary(uniqueKeysWithValues: zip(tiers.names, tiers.counts)) == ["high": 1, "low": 2])
    #expect(PreviousTiers().isEmpty)
    #expect(PreviousTiers([:], patientIDs: ids).tier(of: 1) == nil)
  }
}
