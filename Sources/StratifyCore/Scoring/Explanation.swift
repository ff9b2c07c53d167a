import Foundation

/// Why one patient got their score, tier and actions: every feature value, every rule's points and the values that
/// decided it (including where a null decided an outcome), the points to the next tier, and the actions.
public struct Explanation: Sendable, Encodable {
  public struct FeatureValue: Sendable, Encodable {
    public var name: String
    public var value: String
    public var expression: String
  }

  public struct RuleOutcome: Sendable, Encodable {
    public var id: String
    public var label: String
    public var points: Int
    /// The condition or band, and the values it read.
    public var why: String
    /// Values that were null where the rule compared them (the rule could not apply because of them).
    public var nullDecided: [String]
  }

  public struct ActionResult: Sendable, Encodable {
    public var id: String
    public var label: String
    /// `open`, `closed` (the extracts show it done), or `not triggered`.
    public var status: String
    public var due: String?
    public var priority: Int
  }

  public var patientID: String
  public var asOf: String
  public var ruleSet: String
  public var ruleSetVersion: String
  public var ruleSetSHA256: String
  public var features: [FeatureValue]
  public var eligible: Bool
  public var rules: [RuleOutcome]
  public var score: Int?
  public var tier: String
  /// The next tier up that a higher score reaches, and the points missing; nil at the top or when not score-based.
  public var nextTier: String?
  public var pointsToNextTier: Int?
  public var actions: [ActionResult]

  /// The explanation as printed by `stratify explain`.
  public var text: String {
    var lines: [String] = []
    lines.append(
      "patient \(patientID) as of \(asOf) — rule set \(ruleSet) \(ruleSetVersion) (sha256 \(ruleSetSHA256.prefix(12)))")
    lines.append("")
    lines.append("features:")
    let width = features.map(\.name.count).max() ?? 0
    for f in features {
      lines.append(
        "  \(f.name.padding(toLength: width, withPad: " ", startingAt: 0))  = \(f.value)    [\(f.expression)]")
    }
    lines.append("")
    if !eligible {
      lines.append("not scored: the rule set's eligibility condition does not hold → tier \(tier)")
    } else {
      lines.append("points by rule:")
      for r in rules {
        let mark = r.points != 0 ? String(format: "%+4d", r.points) : "   ·"
        lines.append("  \(mark)  \(r.id) — \(r.label)")
        lines.append("        \(r.why)")
        if !r.nullDecided.isEmpty {
          lines.append(
            "        null decided: \(r.nullDecided.joined(separator: ", ")) (a comparison with null is false)")
        }
      }
      lines.append("")
      lines.append("score \(score.map(String.init) ?? "—") → tier \(tier)")
      if let next = nextTier, let need = pointsToNextTier {
        lines.append("  \(need) more point\(need == 1 ? "" : "s") would reach tier \(next)")
      }
    }
    lines.append("")
    lines.append("actions:")
    if actions.isEmpty { lines.append("  none") }
    for a in actions {
      lines.append("  \(a.id) — \(a.label): \(a.status)\(a.due.map { ", due \($0)" } ?? ""), priority \(a.priority)")
    }
    return lines.joined(separator: "\n")
  }
}

extension ScoringEngine {
  /// Explains patient `p` (an index into `data.patients`).
  public func explain(_ data: PatientData, patient p: Int) -> Explanation {
    let ctx = makeContext(data)
    let result = scorePatient(p, ctx)
    // scorePatient left this patient's features, score and tier in the context; evaluate again with tracing on.
    ctx.tracing = true
    let features = ruleSet.features.enumerated().map { i, f in
      Explanation.FeatureValue(name: f.name, value: describe(ctx.features[i], ctx), expression: f.expression.text)
    }
    func values(_ e: CompiledExpression) -> String {
      let shown = e.features.compactMap { name -> String? in
        guard let i = ruleSet.features.firstIndex(where: { $0.name == name }) else { return nil }
        return "\(name) = \(describe(ctx.features[i], ctx))"
      }
      return shown.isEmpty ? "" : " with " + shown.joined(separator: ", ")
    }
    var rules: [Explanation.RuleOutcome] = []
    if result.score != nil {
      for (index, rule) in ruleSet.rules.enumerated() {
        ctx.nullNotes = []
        let points = plan.rules[index].evaluate(ctx)?.points ?? 0
        let why: String
        switch rule.kind {
        case .points(let when, let p):
          let holds = when.typed.asBool!(ctx)
          why =
            "when \(when.text) → \(holds.map { $0 ? "true" : "false" } ?? "null")\(values(when)); \(p) points if true"
        case .bands(let of, let bands):
          let v = of.typed.asInt!(ctx)
          if let v, let band = bands.first(where: { $0.contains(v) }) {
            why = "\(of.text) = \(v) falls in band \(band.rangeText) → \(band.points) points"
          } else if let v {
            why = "\(of.text) = \(v) is in no band → 0 points"
          } else {
            why = "\(of.text) is null → no band, 0 points"
            if !ctx.nullNotes.contains(of.text) { ctx.nullNotes.append(of.text) }
          }
        }
        rules.append(
          Explanation.RuleOutcome(id: rule.id, label: rule.label, points: points, why: why, nullDecided: ctx.nullNotes))
      }
    }
    var nextTier: String?
    var need: Int?
    if let score = result.score, let index = ruleSet.tiers.firstIndex(where: { $0.name == result.tier }) {
      for tier in ruleSet.tiers[..<index].reversed() where !tier.isExclusion {
        if let min = tier.minScore, min > score {
          nextTier = tier.name
          need = min - score
          break
        }
      }
    }
    let triggered = Dictionary(result.actions.map { ($0.actionID, $0) }, uniquingKeysWith: { a, _ in a })
    let actions = ruleSet.actions.map { action -> Explanation.ActionResult in
      if let outcome = triggered[action.id] {
        return Explanation.ActionResult(
          id: action.id, label: action.label, status: outcome.closed ? "closed (done in the extracts)" : "open",
          due: outcome.due.description, priority: action.priority)
      }
      return Explanation.ActionResult(
        id: action.id, label: action.label, status: "not triggered", due: nil, priority: action.priority)
    }
    return Explanation(
      patientID: data.patients[p].id, asOf: asOf.description, ruleSet: ruleSet.name, ruleSetVersion: ruleSet.version,
      ruleSetSHA256: ruleSet.sha256, features: features, eligible: result.score != nil || ruleSet.eligibility == nil,
      rules: rules, score: result.score, tier: result.tier, nextTier: nextTier, pointsToNextTier: need, actions: actions
    )
  }

  /// A value as a person reads it; a row shows its dates and kind instead of its index.
  func describe(_ value: Value, _ ctx: EvaluationContext) -> String {
    switch value {
    case .row(.stay, let i):
      let stay = ctx.stays[i]
      return "stay \(stay.admitDate) to \(stay.dischargeDate)"
        + (stay.admitType.map { ", \($0.rawValue) admission" } ?? "")
        + (stay.disposition.map { ", discharged to \($0.rawValue)" } ?? "")
    case .row(.event, let i):
      let event = ctx.events[i]
      return "\(event.type.rawValue) on \(event.date)"
    default:
      return value.description
    }
  }
}
