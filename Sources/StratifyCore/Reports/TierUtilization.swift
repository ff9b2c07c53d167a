/// ED use and no-shows of one tier's patients over the 12 months to the as-of date: events dated in
/// `(as_of − 12 months, as_of]` (months by the calendar, a shorter month clamping the day).
public struct TierUtilization: Codable, Equatable, Sendable {
  public var tier: String
  public var patients: Int
  /// `ed` events.
  public var edVisits: Int
  /// `ed_visits × 1000 / patients`, rounded to 1 decimal; nil for a tier without patients.
  public var edVisitsPerThousand: Double?
  /// `no_show` events.
  public var noShows: Int
  /// `office` and `telehealth` events: the appointments that were kept.
  public var keptVisits: Int
  /// `no_shows / (no_shows + kept_visits)`, rounded to 4 decimals; nil when both are 0.
  public var noShowRate: Double?

  /// One row per tier of `tierOrder` for the patients `patients` with tiers `tierOf`.
  static func byTier(
    data: PatientData, patients: some Sequence<(index: Int, tier: String)>, tierOrder: [String], asOf: Day
  ) -> [TierUtilization] {
    let start = asOf.addingMonths(-12)
    var rows = Dictionary(
      uniqueKeysWithValues: tierOrder.map {
        ($0, TierUtilization(tier: $0, patients: 0, edVisits: 0, noShows: 0, keptVisits: 0))
      })
    for (p, tier) in patients {
      var row = rows[tier] ?? TierUtilization(tier: tier, patients: 0, edVisits: 0, noShows: 0, keptVisits: 0)
      row.patients += 1
      for event in data.utilization[p] where event.date > start && event.date <= asOf {
        switch event.type {
        case .ed: row.edVisits += 1
        case .noShow: row.noShows += 1
        case .office, .telehealth: row.keptVisits += 1
        case .urgentCare, .cmContact: break
        }
      }
      rows[tier] = row
    }
    let order = tierOrder + rows.keys.filter { !tierOrder.contains($0) }.sorted()
    return order.map { tier in
      var row = rows[tier]!
      row.edVisitsPerThousand = Figures.perThousand(row.edVisits, of: row.patients)
      row.noShowRate = Figures.share(row.noShows, of: row.noShows + row.keptVisits)
      return row
    }
  }
}
