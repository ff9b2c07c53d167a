import Testing

@testable import StratifyCore

/// Every error class of the rule checker is reported at the right file:line:col (marked 👉 in each fixture), with
/// exit 78, and a rule set with errors never loads.
@Suite struct RuleDiagnosticsTests {
  struct Case: CustomTestStringConvertible, Sendable {
    var name: String
    var text: String
    var message: String
    var valueSets: [String: String] = [:]
    var testDescription: String { name }
  }

  static let cases: [Case] = [
    Case(
      name: "type mismatch",
      text: RuleFileFixture.ruleFile(features: "  bad: age 👉+ patient.birth_date\n"),
      message: "cannot combine whole number and date"),
    Case(
      name: "unknown name with did-you-mean",
      text: RuleFileFixture.ruleFile(
        features: "  ed_visits_6m: count(utilization, event_type == \"ed\")\n  many: 👉ed_visit_6m >= 4\n"),
      message: "unknown name 'ed_visit_6m'; did you mean 'ed_visits_6m'?"),
    Case(
      name: "unknown field",
      text: RuleFileFixture.ruleFile(features: "  last: latest(discharges)\n  where: last.👉dispositon\n"),
      message: "stay has no field 'dispositon'; did you mean 'disposition'?"),
    Case(
      name: "unknown function",
      text: RuleFileFixture.ruleFile(features: "  n: 👉cuont(utilization)\n"),
      message: "unknown function 'cuont'; did you mean 'count'?"),
    Case(
      name: "unknown enum value",
      text: RuleFileFixture.ruleFile(features: "  n: count(utilization, event_type == 👉\"er\")\n"),
      message: "'er' is not a possible value here; did you mean 'ed'?"),
    Case(
      name: "condition that is not true/false",
      text: RuleFileFixture.ruleFile(scoring: "  - id: x\n    label: X\n    when: 👉age\n    points: 1\n"),
      message: "must be true/false"),
    Case(
      name: "unknown YAML key",
      text: RuleFileFixture.ruleFile(scoring: "  - id: x\n    label: X\n    when: age > 1\n    👉pionts: 1\n"),
      message: "unknown key 'pionts' in a scoring rule; did you mean 'points'?"),
    Case(
      name: "unknown top-level key",
      text: "👉scorring: []\n" + RuleFileFixture.ruleFile(),
      message: "unknown key 'scorring'"),
    Case(
      name: "duplicate YAML key",
      text: RuleFileFixture.ruleFile(features: "  👉age: 3\n"),
      message: "duplicate key 'age'"),
    Case(
      // The loader reads keys as text: one written as a number and one quoted are the same key.
      name: "duplicate YAML key, once plain and once quoted",
      text: RuleFileFixture.ruleFile(features: "  10: 3\n  👉\"10\": 4\n"),
      message: "duplicate key '10'"),
    Case(
      name: "duplicate YAML key, once single-quoted",
      text: RuleFileFixture.ruleFile(
        scoring: "  - id: x\n    label: X\n    when: age > 1\n    points: 1\n    👉'points': 2\n"),
      message: "duplicate key 'points'"),
    Case(
      // Yams tells the two apart by their tags; the loader reads both as the text 'points'.
      name: "duplicate YAML key, once explicitly tagged",
      text: RuleFileFixture.ruleFile(
        scoring: "  - id: x\n    label: X\n    when: age > 1\n    points: 1\n    👉!!int points: 2\n"),
      message: "duplicate key 'points'"),
    Case(
      name: "a mapping where a rule test expects an action id",
      text: RuleFileFixture.ruleFile(
        actions: "  - id: call\n    label: Call\n    when: age >= 75\n    due: as_of\n    priority: 1\n")
        + "\ntests:\n  - name: t\n    as_of: 2026-11-20\n    given: { patient: { birth_date: 1940-01-01 } }\n"
        + "    expect: { actions: [call, 👉{ id: call }] }\n",
      message: "an item of actions must be a single value"),
    Case(
      name: "duplicate rule id",
      text: RuleFileFixture.ruleFile(scoring: "  - id: 👉old\n    label: Again\n    when: age > 80\n    points: 1\n"),
      message: "duplicate rule id 'old'"),
    Case(
      name: "bands with a gap",
      text: RuleFileFixture.ruleFile(
        scoring:
          "  - id: b\n    label: B\n    bands:\n      of: age\n      ranges:\n        - { at_most: 64, points: 0 }\n        - 👉{ at_least: 66, points: 1 }\n"
      ),
      message: "no band for 65"),
    Case(
      name: "bands that overlap",
      text: RuleFileFixture.ruleFile(
        scoring:
          "  - id: b\n    label: B\n    bands:\n      of: age\n      ranges:\n        - { from: 60, to: 70, points: 0 }\n        - 👉{ at_least: 70, points: 1 }\n"
      ),
      message: "overlaps band 60–70"),
    Case(
      name: "bands of a value that is not a whole number",
      text: RuleFileFixture.ruleFile(
        scoring:
          "  - id: b\n    label: B\n    bands:\n      of: 👉patient.birth_date\n      ranges:\n        - { at_least: 1, points: 1 }\n"
      ),
      message: "bands need a whole number"),
    Case(
      name: "last tier is not a catch-all",
      text: RuleFileFixture.ruleFile(tiers: "  - { name: high, min_score: 2 }\n  - 👉{ name: low, min_score: 0 }"),
      message: "must be a catch-all"),
    Case(
      name: "missing value-set file",
      text: "value_sets:\n  charlson: 👉value_sets/nope.csv\n" + RuleFileFixture.ruleFile(),
      message: "value set file 'value_sets/nope.csv' not found"),
    Case(
      name: "malformed value-set file",
      text: "value_sets:\n  chronic: 👉value_sets/chronic.csv\n" + RuleFileFixture.ruleFile(),
      message: "the header needs a 'code' column",
      valueSets: ["value_sets/chronic.csv": "icd,category\nI10,htn\n"]),
    Case(
      name: "unknown category of a value set",
      text: "value_sets:\n  chronic: value_sets/chronic.csv\n"
        + RuleFileFixture.ruleFile(features: "  htn: has_code(patient.conditions, chronic, 👉\"hypertention\")\n"),
      message: "value set 'chronic' has no category 'hypertention'; did you mean 'hypertension'?",
      valueSets: ["value_sets/chronic.csv": "code,category\nI10,hypertension\n"]),
    Case(
      name: "unsupported language version",
      text: RuleFileFixture.ruleFile().replacingOccurrences(of: "stratify: 1", with: "stratify: 👉2"),
      message: "unsupported language version 2; this stratify supports up to version 1"),
    Case(
      name: "expression syntax error",
      text: RuleFileFixture.ruleFile(features: "  n: count(utilization, event_type 👉= \"ed\")\n"),
      message: "'=' is not an operator; use '==' to compare"),
    Case(
      name: "feature used before it is defined",
      text: RuleFileFixture.ruleFile(features: "  a: 👉b + 1\n  b: 2\n"),
      message: "feature 'b' is defined below"),
    Case(
      name: "points out of range",
      text: RuleFileFixture.ruleFile(scoring: "  - { id: huge, label: Huge, when: age > 1, points: 👉3000000000 }\n"),
      message: "points must be between -100000 and 100000, found 3000000000"),
    Case(
      name: "band points out of range",
      text: RuleFileFixture.ruleFile(
        scoring: "  - id: b\n    label: B\n    bands: { of: age, ranges: [ { at_least: 0, points: 👉-100001 } ] }\n"),
      message: "points must be between -100000 and 100000, found -100001"),
    Case(
      name: "comparing a date with a number",
      text: RuleFileFixture.ruleFile(features: "  soon: count(discharges, discharge_date > as_of - 👉30)\n"),
      message: "add a duration to a date"),
  ]

  @Test(arguments: cases)
  func errorIsReportedAtItsPosition(_ c: Case) throws {
    let fixture = try RuleFileFixture(c.text, valueSets: c.valueSets)
    defer { fixture.remove() }
    let diagnostics = try #require(fixture.diagnostics(), "the broken rule file loaded")
    let expected = try #require(fixture.expected)
    let hit = diagnostics.first { $0.message.contains(c.message) }
    #expect(hit != nil, "no diagnostic says \(c.message): \(diagnostics.map(\.headline))")
    #expect(hit?.location == expected, "\(hit?.headline ?? "")")
    #expect(hit?.file == fixture.path)
    #expect(hit?.description.hasPrefix("\(fixture.path):\(expected.line):\(expected.column): error: ") == true)
    #expect(RuleSetError(diagnostics).exitStatus.rawValue == 78)
  }

  @Test func diagnosticShowsTheSourceLineAndACaret() throws {
    let fixture = try RuleFileFixture(RuleFileFixture.ruleFile(features: "  n: 👉cnt(utilization)\n"))
    defer { fixture.remove() }
    let d = try #require(fixture.diagnostics()?.first)
    let lines = d.description.split(separator: "\n", omittingEmptySubsequences: false)
    #expect(lines.count == 3)
    #expect(lines[1] == "  n: cnt(utilization)")
    #expect(lines[2] == "     ^")
  }

  @Test func aCleanFixtureLoads() throws {
    let fixture = try RuleFileFixture(RuleFileFixture.ruleFile())
    defer { fixture.remove() }
    #expect(fixture.diagnostics() == nil)
  }

  @Test func anErrorInAFeatureIsNotRepeatedWhereTheFeatureIsUsed() throws {
    let fixture = try RuleFileFixture(
      RuleFileFixture.ruleFile(
        features: "  n: cnt(utilization)\n",
        scoring: "  - id: x\n    label: X\n    when: n > 1\n    points: 1\n"))
    defer { fixture.remove() }
    #expect(fixture.diagnostics()?.count == 1)
  }
}
