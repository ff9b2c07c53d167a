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

  /// The `limit` rules that fired for the most patients, most patients first, ties in rule order; rules that fired
  /// for nobody are left out. `counts` holds the patients by rule position in `ruleSet.rules`.
  static func top(_ limit: Int, counts: [Int], population: Int, ruleSet: RuleSet) -> [RuleFiring] {
    ruleSet.rules.enumerated()
      .compactMap { offset, rule in counts[offset] > 0 ? (offset, rule, counts[offset]) : nil }
      .sorted { ($0.2, -$0.0) > ($1.2, -$1.0) }
      .prefix(limit)
      .map {
        RuleFiring(ruleID: $0.1.id, label: $0.1.label, patients: $0.2, share: Figures.share($0.2, of: population))
      }
  }
}
