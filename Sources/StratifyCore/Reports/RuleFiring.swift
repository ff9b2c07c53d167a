/// How many patients one scoring rule gave points to.
public struct RuleFiring: Codable, Equatable, Sendable {
  public var ruleID: String
  public var label: String
  /// Patients with a non-zero contribution from the rule.
  public var patients: Int
  /// `patients` over the population's accepted patients, rounded to 4 decimals.
  public var share: Double?

  // "ruleId" so that snake_case encoding ("rule_id") and decoding round-trip.
  enum CodingKeys: String, CodingKey {
    case ruleID = "ruleId"
    case label, patients, share
  }

  /// The `limit` rules that fired for the most of `scores`, most patients first, ties in rule order; rules that
  /// fired for nobody are left out.
  static func top(_ limit: Int, scores: some Sequence<PatientScore>, population: Int, ruleSet: RuleSet)
    -> [RuleFiring]
  {
    // Tallies by slot rather than by hashing the rule id of every contribution of every patient: contributions
    // come in the same rule order for nearly every patient, so the slot used at the same position last time is
    // checked first (one string comparison), and only a miss hashes.
    var ids: [String] = []
    var tallies: [Int] = []
    var slotOf: [String: Int] = [:]
    var slotAtPosition: [Int] = []
    for score in scores {
      for (position, contribution) in score.contributions.enumerated() where contribution.points != 0 {
        let slot: Int
        if position < slotAtPosition.count, slotAtPosition[position] >= 0,
          ids[slotAtPosition[position]] == contribution.ruleID
        {
          slot = slotAtPosition[position]
        } else {
          if let known = slotOf[contribution.ruleID] {
            slot = known
          } else {
            slot = ids.count
            ids.append(contribution.ruleID)
            tallies.append(0)
            slotOf[contribution.ruleID] = slot
          }
          while slotAtPosition.count <= position { slotAtPosition.append(-1) }
          slotAtPosition[position] = slot
        }
        tallies[slot] += 1
      }
    }
    let counts = Dictionary(uniqueKeysWithValues: zip(ids, tallies))
    return ruleSet.rules.enumerated()
      .compactMap { offset, rule in counts[rule.id].map { (offset, rule, $0) } }
      .sorted { ($0.2, -$0.0) > ($1.2, -$1.0) }
      .prefix(limit)
      .map {
        RuleFiring(ruleID: $0.1.id, label: $0.1.label, patients: $0.2, share: Figures.share($0.2, of: population))
      }
  }
}
