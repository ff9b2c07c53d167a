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

  /// The 12-month window as of `asOf`: `(as_of − 12 months, as_of]`.
  public static func window(asOf: Day) -> ClosedRange<Day> { (asOf.addingMonths(-12) + 1)...asOf }

  /// Every patient's counts in the window, indexed like `data.patients`, from the stored rows (a run counts them
  /// while reading instead: `IngestOptions.tallyWindow`).
  static func windowCounts(data: PatientData, asOf: Day) -> [EventTally] {
    let window = window(asOf: asOf)
    return data.patients.indices.map { p in
      var counts = EventTally()
      for event in data.utilization[p] where window.contains(event.date) { counts.count(event.type) }
      return counts
    }
  }

  /// One row per tier of `tierOrder` for the patients `patients` with tiers `tierOf`.
  static func byTier(
    data: PatientData, patients: some Sequence<(index: Int, tier: String)>, tierOrder: [String], asOf: Day
  ) -> [TierUtilization] {
    byTier(windowCounts: windowCounts(data: data, asOf: asOf), patients: patients, tierOrder: tierOrder)
  }

  /// The rows of a population made of the disjoint populations whose rows are `parts` (a whole organization from
  /// its practices), as `byTier` orders them: per tier, the sums of the parts' counts and the rates of those sums.
  static func merged(_ parts: [[TierUtilization]], tierOrder: [String]) -> [TierUtilization] {
    var rows = Dictionary(
      tierOrder.map { ($0, TierUtilization(tier: $0, patients: 0, edVisits: 0, noShows: 0, keptVisits: 0)) },
      uniquingKeysWith: { first, _ in first })
    for part in parts {
      for row in part {
        rows[row.tier, default: TierUtilization(tier: row.tier, patients: 0, edVisits: 0, noShows: 0, keptVisits: 0)]
          .add(row)
      }
    }
    return ordered(rows, tierOrder: tierOrder)
  }

  /// `rows` in tier order (tiers the rule set does not list last, by name), with their rates.
  private static func ordered(_ rows: [String: TierUtilization], tierOrder: [String]) -> [TierUtilization] {
    let order = tierOrder + rows.keys.filter { !tierOrder.contains($0) }.sorted()
    return order.map { tier in
      var row = rows[tier]!
      row.edVisitsPerThousand = Figures.perThousand(row.edVisits, of: row.patients)
      row.noShowRate = Figures.share(row.noShows, of: row.noShows + row.keptVisits)
      return row
    }
  }

  mutating func add(_ o: TierUtilization) {
    patients += o.patients
    edVisits += o.edVisits
    noShows += o.noShows
    keptVisits += o.keptVisits
  }

  /// One row per tier of `tierOrder` for the patients `patients`, from counts made by `windowCounts(data:asOf:)`.
  static func byTier(
    windowCounts: [EventTally], patients: some Sequence<(index: Int, tier: String)>, tierOrder: [String]
  ) -> [TierUtilization] {
    // Counts go into an array of rows by slot; the slot of a tier is looked up by hashing only when the tier differs
    // from the previous patient's (a handful of tiers over a million patients).
    var slots = tierOrder.map { TierUtilization(tier: $0, patients: 0, edVisits: 0, noShows: 0, keptVisits: 0) }
    var slotOf = Dictionary(tierOrder.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
    var lastTier: String?
    var slot = 0
    for (p, tier) in patients {
      if tier != lastTier {
        if let known = slotOf[tier] {
          slot = known
        } else {
          slot = slots.count
          slots.append(TierUtilization(tier: tier, patients: 0, edVisits: 0, noShows: 0, keptVisits: 0))
          slotOf[tier] = slot
        }
        lastTier = tier
      }
      let counts = windowCounts[p]
      slots[slot].patients += 1
      slots[slot].edVisits += Int(counts.edVisits)
      slots[slot].noShows += Int(counts.noShows)
      slots[slot].keptVisits += Int(counts.keptVisits)
    }
    let rows = Dictionary(slots.map { ($0.tier, $0) }, uniquingKeysWith: { first, _ in first })
    return ordered(rows, tierOrder: tierOrder)
  }
}
