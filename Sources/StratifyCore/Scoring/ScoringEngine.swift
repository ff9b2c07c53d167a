import Dispatch
import Foundation

/// Scores patients with a compiled rule set as of one date: features → points by rule → tier → actions.
/// Patients are independent, so they are scored on all cores in chunks and merged in patient order.
public struct ScoringEngine: Sendable {
  public let ruleSet: RuleSet
  public let asOf: Day
  public let calendar: BusinessCalendar
  let plan: ScoringPlan

  public init(ruleSet: RuleSet, asOf: Day, calendar: BusinessCalendar = .usFederal) {
    self.ruleSet = ruleSet
    self.asOf = asOf
    self.calendar = calendar
    plan = ScoringPlan(ruleSet)
  }

  /// Scores every patient, in patient order: one worker per core, each with its own replica of the compiled rules
  /// (closures shared between cores would have their reference counts bounced between the cores' caches on every
  /// call, which doubled scoring's time), taking chunks of `chunk` patients in turn.
  public func score(_ data: PatientData, chunk: Int = 4096) -> [PatientScore] {
    let count = data.patients.count
    guard count > 0 else { return [] }
    let chunks = (count + chunk - 1) / chunk
    let workers = min(chunks, ProcessInfo.processInfo.activeProcessorCount)
    let next = ChunkCounter()
    return [PatientScore](unsafeUninitializedCapacity: count) { buffer, initialized in
      nonisolated(unsafe) let out = buffer.baseAddress!
      DispatchQueue.concurrentPerform(iterations: workers) { w in
        let engine = w == 0 ? self : replica()
        let ctx = engine.makeContext(data)
        while let c = next.take(below: chunks) {
          for p in (c * chunk)..<min(count, (c + 1) * chunk) {
            (out + p).initialize(to: engine.scorePatient(p, ctx))
          }
        }
      }
      initialized = count
    }
  }

  /// This engine with a plan compiled again from the rule set's text (itself when that fails, which it cannot for a
  /// text that compiled once).
  func replica() -> ScoringEngine {
    guard let copy = RuleSetLoader.replica(of: ruleSet) else { return self }
    return ScoringEngine(ruleSet: copy, asOf: asOf, calendar: calendar)
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
    for i in plan.features.indices {
      ctx.features[i] = plan.features[i](ctx)
    }
  }

  func scorePatient(_ p: Int, _ ctx: EvaluationContext) -> PatientScore {
    computeFeatures(p, ctx)
    if let eligible = plan.eligibility, eligible(ctx) != true {
      return PatientScore(patient: p, score: nil, tier: plan.otherwiseTier, contributions: [], actions: [])
    }
    var total = 0
    ctx.fired.removeAll(keepingCapacity: true)
    for i in plan.rules.indices {
      if let (points, reason) = plan.rules[i].evaluate(ctx), points != 0 {
        total += points
        ctx.fired.append((i, reason, points))
      }
    }
    let contributions = contributionArray(ctx)
    ctx.score = total
    let tier = assignTier(ctx)
    ctx.tier = plan.tiers[tier].name
    let actions = plan.tiers[tier].isExclusion ? [] : evaluateActions(ctx)
    return PatientScore(
      patient: p, score: total, tier: plan.tiers[tier].name, contributions: contributions, actions: actions)
  }

  /// The contributions of the rules in `ctx.fired`. Patients of one thread whose rules fired for the same reasons
  /// share one array (the arrays are most of a score's memory, and a rule set gives a few hundred distinct ones to a
  /// million patients); it is built only the first time, so the rule texts are not retained again per patient.
  func contributionArray(_ ctx: EvaluationContext) -> [Contribution] {
    if ctx.fired.isEmpty { return [] }
    let key = ContributionKey(ctx.fired)
    if let key, let shared = ctx.contributionArrays[key] { return shared }
    let built = ctx.fired.map { f in
      Contribution(ruleID: plan.rules[f.rule].id, points: f.points, reason: plan.rules[f.rule].reasons[f.reason])
    }
    if let key { ctx.contributionArrays[key] = built }
    return built
  }

  /// The index of the first tier whose conditions hold (the last one is the catch-all).
  func assignTier(_ ctx: EvaluationContext) -> Int {
    for i in plan.tiers.indices {
      if let min = plan.tiers[i].minScore, (ctx.score ?? Int.min) < min { continue }
      if let condition = plan.tiers[i].condition, condition(ctx) != true { continue }
      return i
    }
    return plan.tiers.count - 1
  }

  func evaluateActions(_ ctx: EvaluationContext) -> [ActionOutcome] {
    var outcomes: [ActionOutcome] = []
    for i in plan.actions.indices where plan.actions[i].when(ctx) == true {
      let action = plan.actions[i]
      // A due date that cannot be computed (a null) falls due today rather than disappearing.
      let due = action.due(ctx) ?? ctx.asOf
      let closed = action.closed.map { $0(ctx) == true } ?? false
      outcomes.append(
        ActionOutcome(actionID: action.id, label: action.label, due: due, priority: action.priority, closed: closed))
    }
    return outcomes
  }
}

/// Hands out chunk numbers 0, 1, 2, … to the scoring workers.
private final class ChunkCounter: @unchecked Sendable {
  private let lock = NSLock()
  private var next = 0

  func take(below limit: Int) -> Int? {
    lock.withLock {
      guard next < limit else { return nil }
      next += 1
      return next - 1
    }
  }
}
