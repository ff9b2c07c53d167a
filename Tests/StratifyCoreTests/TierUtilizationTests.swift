import Testing

@testable import StratifyCore

/// ED visits per 1,000 and no-show rates by tier over (2025-11-30, 2026-11-30] on `MetricsFixture`.
@Suite struct TierUtilizationTests {
  let rows: [TierUtilization] = {
    let f = MetricsFixture.self
    return TierUtilization.byTier(
      data: f.data, patients: f.scores.map { ($0.patient, $0.tier) }, tierOrder: ["excluded", "top", "high", "low"],
      asOf: f.asOf)
  }()

  @Test func rowsFollowTheTierOrder() {
    #expect(rows.map(\.tier) == ["excluded", "top", "high", "low"])
    #expect(rows.map(\.patients) == [1, 2, 1, 2])
  }

  /// top: P1's ED visit of 03-01 (its 12-01 visit is after the as-of date) and P2's two → 3 per 2 patients = 1500.
  /// No-shows P1 02-01 and P2 05-01 against P2's office visit (P1's office visit of 2025-11-30 is just outside).
  @Test func theTopTier() {
    let top = rows[1]
    #expect(top.edVisits == 3)
    #expect(top.edVisitsPerThousand == 1500)
    #expect(top.noShows == 2)
    #expect(top.keptVisits == 1)
    #expect(top.noShowRate == 0.6667)
  }

  @Test func theOtherTiers() {
    #expect(rows[2].edVisits == 0)
    #expect(rows[2].edVisitsPerThousand == 0)
    #expect(rows[2].noShowRate == 0.5)  // 2 no-shows, office + telehealth kept
    #expect(rows[3].edVisits == 2)  // P4: 2026-10-01 and 2025-12-01; urgent care does not count
    #expect(rows[3].edVisitsPerThousand == 1000)
    #expect(rows[3].noShowRate == 0)
    #expect(rows[0].noShowRate == nil)  // no appointments at all
  }
}
