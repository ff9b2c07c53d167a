import Foundation

@testable import StratifyCore

/// A rule file written into a temporary folder, with a 👉 marking where a diagnostic is expected
/// (the marker is removed before the file is written; its line and column are remembered).
struct RuleFileFixture {
  let folder: URL
  let path: String
  let expected: SourceLocation?

  init(_ text: String, valueSets: [String: String] = [:]) throws {
    folder = FileManager.default.temporaryDirectory.appendingPathComponent("stratify-rules-\(UUID().uuidString)")
    try FileManager.default.createDirectory(
      at: folder.appendingPathComponent("value_sets"), withIntermediateDirectories: true)
    var expected: SourceLocation?
    var clean: [String] = []
    for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      if let range = line.range(of: "👉") {
        let column = line[..<range.lowerBound].unicodeScalars.count + 1
        expected = SourceLocation(line: i + 1, column: column)
        clean.append(line.replacingOccurrences(of: "👉", with: ""))
      } else {
        clean.append(String(line))
      }
    }
    self.expected = expected
    path = folder.appendingPathComponent("rules.yaml").path
    try clean.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
    for (name, content) in valueSets {
      try content.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }
  }

  /// Loads the file; returns the diagnostics when it fails to load (nil when it loads).
  func diagnostics() -> [RuleDiagnostic]? {
    do {
      _ = try RuleSetLoader.load(path: path)
      return nil
    } catch let error as RuleSetError {
      return error.diagnostics
    } catch {
      return [RuleDiagnostic(file: path, location: SourceLocation(line: 0, column: 0), message: "\(error)")]
    }
  }

  func load() throws -> RuleSet { try RuleSetLoader.load(path: path) }

  func remove() { try? FileManager.default.removeItem(at: folder) }

  /// A minimal valid rule file around the given sections (features, scoring … as YAML text).
  static func ruleFile(
    features: String = "", scoring: String = "", tiers: String? = nil, actions: String = "", extra: String = ""
  )
    -> String
  {
    """
    stratify: 1
    name: fixture
    version: "1"
    \(extra)features:
      age: years_between(patient.birth_date, as_of)
    \(features)
    scoring:
      - id: old
        label: Old
        when: age >= 75
        points: 2
    \(scoring)
    tiers:
    \(tiers ?? "  - { name: high, min_score: 2 }\n  - { name: low }")
    \(actions.isEmpty ? "" : "actions:\n" + actions)
    """
  }
}
