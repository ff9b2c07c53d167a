import Dispatch

/// Scores patients with a compiled rule set as of one date: features → points by rule → tier → actions.
/// Patients are independent, so they are scored on all cores in chunks and merged in patient order.
public struct ScoringEngine: Sendable {
  public let ruleSet: RuleSet
  public let asOf: Day
  public let calendar: BusinessCalendar

  public init(ruleSet: RuleSet, asOf: Day, calendar: BusinessCalendar = .usFederal) {
    self.ruleSet = ruleSet
    self.asOf = asOf
    self.calendar = calendar
  }

  /// Scores every patient, in patient order.
  public func score(_ data: PatientData) -> [PatientScore] {
    let count = data.patients.count
    guard count > 0 else { return [] }
    let chunk = 4096
    let chunks = (count + chunk - 1) / chunk
    var results = [PatientScore?](repeating: nil, count: count)
    results.withUnsafeMutableBufferPointer { buffer in
      nonisolated(unsafe) let out = buffer
      DispatchQueue.concurrentPerform(iterations: chunks) { c in
        let ctx = makeContext(data)
        for p in (c * chunk)..<min(count, (c + 1) * chunk) {
          out[p] = scorePatient(p, ctx)
        }
      }
    }
    return results.map { $0! }
  }

  func makeContext(_ data: PatientData) -> EvaluationContext {
    let ctx = EvaluationContext(data: data, asOf: asOf, calendar: calendar)
    ctx.features = [Value](repeating: .null, count: ruleSet.features.count)
    return ctx
  }

  /// Computes the features of patient `p` into the context's slots, in definition order.
  func computeFeatures(_ p: Int, _ ctx: EvaluationContext) {
    ctx.patient = p
    ctx.event = -1
    ctx.stay = -1
    ctx.score = nil
    ctx.tier = nil
    for (i, feature) in ruleSet.features.enumerated() {
      ctx.features[i] = feature.expression.typed.value(ctx)
    }
  }

  func scorePatient(_ p: Int, _ ctx: EvaluationContext) -> PatientScore {
    computeFeatures(p, ctx)
    if let eligibility = ruleSet.eligibility, eligibility.condition.typed.asBool!(ctx) != true {
      return PatientScore(patient: p, score: nil, tier: eligibility.otherwiseTier, contributions: [], actions: [])
    }
    var total = 0
    var contributions: [Contribution] = []
    for rule in ruleSet.rules {
      if let (points, reason) = evaluate(rule, ctx), points != 0 {
        total += points
        contributions.append(Contribution(ruleID: rule.id, points: points, reason: reason))
      }
    }
    ctx.score = total
    let tier = assignTier(ctx)
    ctx.tier = tier.name
    let actions = tier.isExclusion ? [] : evaluateActions(ctx)
    return PatientScore(patient: p, score: total, tier: tier.name, contributions: contributions, actions: actions)
  }

  /// The points a rule gives and the reason in words; nil when it does not apply (condition false, no band).
  func evaluate(_ rule: ScoringRule, _ ctx: EvaluationContext) -> (Int, String)? {
    switch rule.kind {
    case .points(let when, let points):
      return when.typed.asBool!(ctx) == true ? (points, rule.label) : nil
    case .bands(let of, let bands):
      guard let value = of.typed.asInt!(ctx), let band = bands.first(where: { $0.contains(value) }) else { return nil }
      return (band.points, band.label ?? "\(rule.label): \(band.rangeText)")
    }
  }

  func assignTier(_ ctx: EvaluationContext) -> TierDefinition {
    for tier in ruleSet.tiers {
      if let min = tier.minScore, (ctx.score ?? Int.min) < min { continue }
      if let cond = tier.condition, cond.typed.asBool!(ctx) != true { continue }
      return tier
    }
    return ruleSet.tiers[ruleSet.tiers.count - 1]
  }

  func evaluateActions(_ ctx: EvaluationContext) -> [ActionOutcome] {
    var outcomes: [ActionOutcome] = []
    for action in ruleSet.actions where action.condition.typed.asBool!(ctx) == true {
      // A due date that cannot be computed (a null) falls due today rather than disappearing.
      let due = action.due.typed.asDate!(ctx) ?? ctx.asOf
      let closed = action.closedWhen.map { $0.typed.asBool!(ctx) == true } ?? false
      outcomes.append(
        ActionOutcome(actionID: action.id, label: action.label, due: due, priority: action.priority, closed: closed))
    }
    return outcomes
  }
}
