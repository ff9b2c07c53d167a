/// Runs the examples in a rule file's `tests:` through the same engine as a nightly run, and measures which rules,
/// bands, tiers and actions no example exercised.
public enum RuleTestRunner {
  public struct Outcome: Sendable {
    public var name: String
    public var location: SourceLocation
    /// Empty when the test passed.
    public var failures: [String]
    /// "rule points, …" of the actual result, shown with failures.
    public var pointsByRule: String

    public var passed: Bool { failures.isEmpty }
  }

  public struct Report: Sendable {
    public var file: String
    public var outcomes: [Outcome]
    /// Items no test exercised: "rule x", "band x 2–3", "tier x", "action x".
    public var unexercised: [String]
    public var totals: (rules: Int, bands: Int, tiers: Int, actions: Int)

    public var passed: Bool { outcomes.allSatisfy(\.passed) }

    /// The report as printed by `stratify rules test`.
    public var text: String {
      var lines = ["\(file): \(outcomes.count) test\(outcomes.count == 1 ? "" : "s")"]
      for o in outcomes {
        lines.append("  \(o.passed ? "PASS" : "FAIL") \(o.name)")
        if !o.passed {
          lines.append("       at \(file):\(o.location.line):\(o.location.column)")
          lines += o.failures.map { "       \($0)" }
          lines.append("       points by rule: \(o.pointsByRule.isEmpty ? "none" : o.pointsByRule)")
        }
      }
      lines.append(
        "coverage: \(unexercised.isEmpty ? "every" : "not every") rule, band, tier and action exercised "
          + "(\(totals.rules) rules, \(totals.bands) bands, \(totals.tiers) tiers, \(totals.actions) actions)")
      if !unexercised.isEmpty { lines.append("  not exercised by any test: " + unexercised.joined(separator: ", ")) }
      let failed = outcomes.filter { !$0.passed }.count
      lines.append("\(outcomes.count - failed) passed, \(failed) failed")
      return lines.joined(separator: "\n")
    }
  }

  public static func run(_ ruleSet: RuleSet, calendar: BusinessCalendar = .usFederal) -> Report {
    var exercised = Set<String>()
    var outcomes: [Outcome] = []
    for test in ruleSet.tests {
      let data = PatientData(
        patients: [test.patient],
        utilization: GroupedRows(offsets: [0, Int32(test.utilization.count)], rows: test.utilization),
        discharges: GroupedRows(offsets: [0, Int32(test.discharges.count)], rows: test.discharges))
      let engine = ScoringEngine(ruleSet: ruleSet, asOf: test.asOf, calendar: calendar)
      let ctx = engine.makeContext(data)
      let result = engine.scorePatient(0, ctx)
      // Coverage: which rule / band applied, which tier, which actions triggered.
      if result.score != nil {
        for rule in ruleSet.rules {
          switch rule.kind {
          case .points(let when, _):
            if when.typed.asBool!(ctx) == true { exercised.insert("rule \(rule.id)") }
          case .bands(let of, let bands):
            if let v = of.typed.asInt!(ctx), let band = bands.first(where: { $0.contains(v) }) {
              exercised.insert("band \(rule.id) \(band.rangeText)")
            }
          }
        }
      }
      exercised.insert("tier \(result.tier)")
      for action in result.actions { exercised.insert("action \(action.actionID)") }
      outcomes.append(check(test, result, ctx, ruleSet))
    }
    var all: [String] = []
    var bandCount = 0
    for rule in ruleSet.rules {
      switch rule.kind {
      case .points: all.append("rule \(rule.id)")
      case .bands(_, let bands):
        bandCount += bands.count
        all += bands.map { "band \(rule.id) \($0.rangeText)" }
      }
    }
    all += ruleSet.tiers.map { "tier \($0.name)" }
    all += ruleSet.actions.map { "action \($0.id)" }
    let pointsRules = ruleSet.rules.filter { if case .points = $0.kind { return true } else { return false } }.count
    return Report(
      file: ruleSet.file, outcomes: outcomes, unexercised: all.filter { !exercised.contains($0) },
      totals: (pointsRules, bandCount, ruleSet.tiers.count, ruleSet.actions.count))
  }

  static func check(_ test: RuleTestCase, _ result: PatientScore, _ ctx: EvaluationContext, _ ruleSet: RuleSet)
    -> Outcome
  {
    var failures: [String] = []
    let e = test.expect
    if let expected = e.score, expected != result.score {
      failures.append(
        "score: expected \(expected.map(String.init) ?? "empty"), got \(result.score.map(String.init) ?? "empty")")
    }
    if let tier = e.tier, tier != result.tier { failures.append("tier: expected \(tier), got \(result.tier)") }
    let open = result.openActions.map(\.actionID)
    if let actions = e.actions, Set(actions) != Set(open) {
      failures.append(
        "actions: expected [\(actions.sorted().joined(separator: ", "))], got [\(open.sorted().joined(separator: ", "))]"
      )
    }
    let closed = result.actions.filter(\.closed).map(\.actionID)
    if let expected = e.closedActions, Set(expected) != Set(closed) {
      failures.append(
        "closed actions: expected [\(expected.sorted().joined(separator: ", "))], got [\(closed.sorted().joined(separator: ", "))]"
      )
    }
    for (rule, points) in e.contributions {
      let actual = result.contributions.first { $0.ruleID == rule }?.points ?? 0
      if actual != points { failures.append("points of \(rule): expected \(points), got \(actual)") }
    }
    for (name, value) in e.features {
      guard let index = ruleSet.features.firstIndex(where: { $0.name == name }) else { continue }
      // The engine leaves the context on this patient, so its feature slots hold this test's values.
      let actual = ctx.features[index].description
      if actual != value { failures.append("feature \(name): expected \(value), got \(actual)") }
    }
    for (action, date) in e.due {
      guard let outcome = result.openActions.first(where: { $0.actionID == action }) else {
        failures.append("due \(action): expected \(date), but the action is not open")
        continue
      }
      if outcome.due != date { failures.append("due \(action): expected \(date), got \(outcome.due)") }
    }
    let points = result.contributions.map { "\($0.ruleID) \($0.points)" }.joined(separator: ", ")
    return Outcome(name: test.name, location: test.location, failures: failures, pointsByRule: points)
  }
}
