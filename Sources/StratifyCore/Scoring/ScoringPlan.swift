/// The rule set flattened for the per-patient loop: one closure per feature, rule, tier test and action part,
/// extracted once, so scoring a patient copies no rule definitions (their strings and arrays would be retained and
/// released for every patient).
struct ScoringPlan: Sendable {
  struct Rule: Sendable {
    var id: String
    /// The reasons in words: the label, or one per band.
    var reasons: [String]
    /// Points and the index of the reason in `reasons`; nil when the rule does not apply.
    var evaluate: @Sendable (EvaluationContext) -> (points: Int, reason: Int)?
  }

  struct Tier: Sendable {
    var name: String
    var minScore: Int?
    var condition: Fn<Bool>?
    var isExclusion: Bool
  }

  struct Action: Sendable {
    var id: String
    var label: String
    var priority: Int
    var when: Fn<Bool>
    var due: Fn<Day>
    var closed: Fn<Bool>?
  }

  var features: [@Sendable (EvaluationContext) -> Value]
  var eligibility: Fn<Bool>?
  var otherwiseTier: String
  var rules: [Rule]
  var tiers: [Tier]
  var actions: [Action]

  init(_ ruleSet: RuleSet) {
    features = ruleSet.features.map { Self.valueFunction($0.expression.typed) }
    eligibility = ruleSet.eligibility?.condition.typed.asBool
    otherwiseTier = ruleSet.eligibility?.otherwiseTier ?? ""
    rules = ruleSet.rules.map { rule in
      let label = rule.label
      switch rule.kind {
      case .points(let when, let points):
        let test = when.typed.asBool!
        return Rule(id: rule.id, reasons: [label]) { ctx in test(ctx) == true ? (points, 0) : nil }
      case .bands(let of, let bands):
        let value = of.typed.asInt!
        let reasons = bands.map { $0.label ?? "\(label): \($0.rangeText)" }
        return Rule(id: rule.id, reasons: reasons) { ctx in
          guard let v = value(ctx), let i = bands.firstIndex(where: { $0.contains(v) }) else { return nil }
          return (bands[i].points, i)
        }
      }
    }
    tiers = ruleSet.tiers.map {
      Tier(name: $0.name, minScore: $0.minScore, condition: $0.condition?.typed.asBool, isExclusion: $0.isExclusion)
    }
    actions = ruleSet.actions.map {
      Action(
        id: $0.id, label: $0.label, priority: $0.priority, when: $0.condition.typed.asBool!, due: $0.due.typed.asDate!,
        closed: $0.closedWhen?.typed.asBool)
    }
  }

  /// The value of a typed expression as a `Value`, with the switch on its type done once here.
  static func valueFunction(_ typed: Typed) -> @Sendable (EvaluationContext) -> Value {
    switch typed.code {
    case .int(let f): return { ctx in f(ctx).map(Value.int) ?? .null }
    case .number(let f): return { ctx in f(ctx).map(Value.number) ?? .null }
    case .bool(let f): return { ctx in f(ctx).map(Value.bool) ?? .null }
    case .string(let f): return { ctx in f(ctx).map(Value.string) ?? .null }
    case .date(let f): return { ctx in f(ctx).map(Value.date) ?? .null }
    case .duration(let f): return { ctx in f(ctx).map(Value.duration) ?? .null }
    case .list(let f): return { ctx in f(ctx).map(Value.list) ?? .null }
    case .row(let kind, let f): return { ctx in f(ctx).map { Value.row(kind, $0) } ?? .null }
    case .valueSet, .extract: return { _ in .null }
    }
  }
}
