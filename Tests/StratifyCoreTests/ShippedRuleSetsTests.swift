import Foundation
import Logging
import Testing

@testable import StratifyCore

/// The rule sets in Rules/ check clean and pass their own tests, with every rule, band, tier and action exercised.
@Suite struct ShippedRuleSetsTests {
  static let rulesFolder = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Rules")

  @Test(arguments: ["default.yaml", "lace.yaml", "bench.yaml"])
  func shippedRuleSetChecksAndPassesItsTests(file: String) throws {
    let ruleSet = try RuleSetLoader.load(path: Self.rulesFolder.appendingPathComponent(file).path)
    #expect(!ruleSet.tests.isEmpty)
    let report = RuleTestRunner.run(ruleSet)
    #expect(report.passed, "\(report.text)")
    #expect(report.unexercised.isEmpty, "\(report.unexercised)")
  }

  @Test func theDefaultRuleSetHasTheActionsCaseManagersExpect() throws {
    let ruleSet = try RuleSetLoader.load(path: Self.rulesFolder.appendingPathComponent("default.yaml").path)
    #expect(
      Set(ruleSet.actions.map(\.id)) == [
        "tcm_contact", "followup_visit", "ed_followup", "no_show_outreach", "social_needs_referral", "care_plan_review",
      ])
    #expect(ruleSet.tiers.map(\.name) == ["excluded", "intensive", "high", "rising", "low"])
  }

  /// The fixture rule file with these `tests:` items (YAML, indented as items of `tests:`).
  static func fixture(tests: String) throws -> RuleFileFixture {
    try RuleFileFixture(RuleFileFixture.ruleFile() + "\n\ntests:\n" + tests)
  }

  @Test func aFailingRuleTestShowsExpectedAgainstActualAndThePointsByRule() throws {
    let fixture = try Self.fixture(
      tests: """
          - name: wrong on purpose
            as_of: 2026-11-20
            given: { patient: { birth_date: 1940-01-01 } }
            expect: { score: 3, tier: low }
        """)
    defer { fixture.remove() }
    let report = RuleTestRunner.run(try fixture.load())
    #expect(!report.passed)
    #expect(report.text.contains("FAIL wrong on purpose"))
    #expect(report.text.contains("score: expected 3, got 2"))
    #expect(report.text.contains("tier: expected low, got high"))
    #expect(report.text.contains("points by rule: old 2"))
    #expect(report.text.contains("0 passed, 1 failed"))
  }

  /// A rule test's patient lists are read as the extract's fields would be: what passes in a test holds in a run.
  @Test func aTestPatientsListsSplitAsTheExtractsDo() throws {
    let fixture = try Self.fixture(
      tests: """
          - name: lists
            as_of: 2026-11-20
            given:
              patient: { birth_date: 1990-01-01, conditions: "e11.9, I50.9|J44.1;", social_needs: "Housing, food|x y" }
            expect: { score: 0 }
          - name: yaml lists
            as_of: 2026-11-20
            given: { patient: { birth_date: 1990-01-01, conditions: [e11.9, "I50.9"], social_needs: [Food] } }
            expect: { score: 0 }
        """)
    defer { fixture.remove() }
    let tests = try fixture.load().tests
    var field = Array("e11.9, I50.9|J44.1;".utf8)
    let fromExtract = field.withUnsafeMutableBufferPointer { FieldBytes.codes(UnsafeBufferPointer($0)) }
    #expect(tests[0].patient.conditions == fromExtract)
    #expect(tests[0].patient.conditions == ["E119", "I509", "J441"])
    #expect(tests[0].patient.socialNeeds == ["housing", "food", "x y"])
    #expect(tests[1].patient.conditions == ["E119", "I509"])
    #expect(tests[1].patient.socialNeeds == ["food"])
  }

  @Test func coverageNamesWhatNoTestExercised() throws {
    let fixture = try Self.fixture(
      tests: """
          - name: young
            as_of: 2026-11-20
            given: { patient: { birth_date: 1990-01-01 } }
            expect: { score: 0, tier: low }
        """)
    defer { fixture.remove() }
    let report = RuleTestRunner.run(try fixture.load())
    #expect(report.passed)
    #expect(report.unexercised == ["rule old", "tier high"])
  }
}
