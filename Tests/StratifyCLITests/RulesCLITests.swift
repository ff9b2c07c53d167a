import Foundation
import Testing

/// `stratify rules check`, `rules test` and `explain` on the real binary.
@Suite struct RulesCLITests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

  func path(_ relative: String) -> String { Self.root.appendingPathComponent(relative).path }

  @Test func shippedRuleSetsCheckCleanAndPassTheirTests() throws {
    let files = ["Rules/default.yaml", "Rules/lace.yaml", "Rules/bench.yaml"].map(path)
    let check = try BinaryRunner.run(["rules", "check"] + files)
    #expect(check.status == 0, "\(check.stderr)")
    #expect(check.stdout.contains("lace 2010.1"))
    let test = try BinaryRunner.run(["rules", "test"] + files)
    #expect(test.status == 0, "\(test.stdout)")
    #expect(!test.stdout.contains("FAIL"))
  }

  @Test func aBrokenRuleFileIsReportedAtItsLineAndColumnWithExit78() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let text = try String(contentsOfFile: path("Rules/bench.yaml"), encoding: .utf8)
      .replacingOccurrences(of: "when: no_show_12m >= 3", with: "when: no_show_12m >= \"3\"")
    let file = try dir.write("bench.yaml", text)
    let line =
      text.split(separator: "\n", omittingEmptySubsequences: false)
      .firstIndex { $0.contains("no_show_12m >= \"3\"") }! + 1
    let result = try BinaryRunner.run(["rules", "check", file.path])
    #expect(result.status == 78)
    #expect(
      result.stderr.contains("\(file.path):\(line):23: error: cannot compare whole number with text"),
      "\(result.stderr)")
    #expect(result.stderr.contains("^"))
    let test = try BinaryRunner.run(["rules", "test", file.path])
    #expect(test.status == 78)
  }

  @Test func aFailingRuleTestExitsNonZeroWithExpectedAgainstActual() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let text = try String(contentsOfFile: path("Rules/bench.yaml"), encoding: .utf8)
      .replacingOccurrences(
        of: "expect: { score: 0, tier: low, actions: [] }", with: "expect: { score: 1, tier: low, actions: [] }")
    let file = try dir.write("bench.yaml", text)
    let result = try BinaryRunner.run(["rules", "test", file.path])
    #expect(result.status == 1)
    #expect(result.stdout.contains("score: expected 1, got 0"))
    #expect(result.stdout.contains("5 passed, 1 failed"))
  }

  @Test func explainShowsFeaturesPointsTierAndActions() throws {
    let result = try BinaryRunner.run(["explain", "P9000001", "--config", path("SampleData/stratify.yaml")])
    #expect(result.status == 0, "\(result.stderr)")
    for text in [
      "features:", "points by rule:", "recent_discharge", "→ tier intensive", "tcm_contact", "due 2026-11-20",
    ] {
      #expect(result.stdout.contains(text), "\(text)")
    }
    let json = try BinaryRunner.run(["explain", "P9000001", "--config", path("SampleData/stratify.yaml"), "--json"])
    #expect(json.status == 0)
    let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
    #expect(object?["tier"] as? String == "intensive")
    #expect(object?["patient_id"] as? String == "P9000001")
    let unknown = try BinaryRunner.run(["explain", "NOPE", "--config", path("SampleData/stratify.yaml")])
    #expect(unknown.status == 65)
    #expect(unknown.stderr.contains("'NOPE' is not among the accepted patients"))
  }
}
