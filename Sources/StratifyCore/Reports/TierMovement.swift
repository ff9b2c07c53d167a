/// How patients moved between tiers since the previous published run, matched by patient_id.
///
/// A move is an escalation when both tiers are ranked and the new one comes earlier in the rule set (more
/// intensive), a de-escalation when it comes later. Exclusion tiers (hospice, deceased), the eligibility's
/// `otherwise` tier and tiers the rule set no longer has are not ranked: moves into or out of them are `other`.
public struct TierMovement: Codable, Equatable, Sendable {
  /// Patients in this run and in the previous one.
  public var compared: Int
  public var unchanged: Int
  public var escalated: Int
  public var deEscalated: Int
  /// Tier changes involving an unranked tier.
  public var other: Int
  /// Patients in this run only (all of them on the first run).
  public var newPatients: Int
  /// Patients in the previous run only; nil for a practice (the history does not keep a patient's practice).
  public var departedPatients: Int?
  /// Previous tier → this run's tier → patients, for the compared patients; non-zero cells only.
  public var matrix: [String: [String: Int]]
  /// This run's tier → new patients.
  public var newByTier: [String: Int]
  /// Previous tier → departed patients (empty for a practice).
  public var departedByTier: [String: Int]

  /// Compares `current` (patient_id, tier) with the previous run's tiers. `rank` gives a ranked tier's position
  /// (0 = most intensive) and nil for an unranked one. `countDeparted` is false when `current` is one practice.
  public init(
    current: [(patientID: String, tier: String)], previous: [String: String], rank: (String) -> Int?,
    countDeparted: Bool = true
  ) {
    compared = 0
    unchanged = 0
    escalated = 0
    deEscalated = 0
    other = 0
    newPatients = 0
    matrix = [:]
    newByTier = [:]
    departedByTier = [:]
    // Only ids that the previous run had can change the departed count, and only when it is counted: the set stays
    // empty (no hashing per patient) for a practice's figures and for a run without history.
    var seen = Set<String>()
    for (id, tier) in current {
      guard let before = previous.isEmpty ? nil : previous[id] else {
        newPatients += 1
        newByTier[tier, default: 0] += 1
        continue
      }
      if countDeparted { seen.insert(id) }
      compared += 1
      matrix[before, default: [:]][tier, default: 0] += 1
      if before == tier {
        unchanged += 1
      } else if let from = rank(before), let to = rank(tier) {
        if to < from { escalated += 1 } else { deEscalated += 1 }
      } else {
        other += 1
      }
    }
    if countDeparted {
      var departed = 0
      for (id, tier) in previous where !seen.contains(id) {
        departed += 1
        departedByTier[tier, default: 0] += 1
      }
      departedPatients = departed
    } else {
      departedPatients = nil
    }
  }
}
