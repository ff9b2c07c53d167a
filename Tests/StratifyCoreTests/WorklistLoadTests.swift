import Testing

@testable import StratifyCore

@Suite struct WorklistLoadTests {
  let load = WorklistLoad(
    items: MetricsFixture.items, caseManagers: ["CM1", "CM2", "CM3"], tiers: ["excluded", "top", "high", "low"],
    capacity: MetricsFixture.capacity)

  @Test func totals() {
    #expect(load.items == 5)
    #expect(load.overdue == 2)  // P2 due 11-25, P3 due 11-28; P4 due on the as-of date is not overdue
    #expect(load.patients == 4)
    #expect(load.overCapacityItems == 1)
  }

  @Test func perCaseManagerAgainstCapacity() {
    #expect(
      load.caseManagers == [
        .init(caseManagerID: "CM1", items: 3, overdue: 1, patients: 2, capacity: 3, overCapacity: 1),
        // CM2's own limit for low adds to the defaults for the other tiers.
        .init(caseManagerID: "CM2", items: 1, overdue: 0, patients: 1, capacity: 8, overCapacity: 0),
        .init(caseManagerID: "CM3", items: 0, overdue: 0, patients: 0, capacity: 3, overCapacity: 0),
      ])
  }

  @Test func unassignedPerPractice() {
    #expect(load.unassigned == [.init(practiceID: "PR2", items: 1, overdue: 1, patients: 1)])
  }

  @Test func noConfiguredLimitMeansNoCapacity() {
    let unlimited = WorklistLoad(
      items: MetricsFixture.items, caseManagers: [], tiers: ["top"], capacity: CaseloadCapacity())
    #expect(unlimited.caseManagers.map(\.capacity) == [nil, nil])
    #expect(unlimited.caseManagers.map(\.caseManagerID) == ["CM1", "CM2"])
  }
}
