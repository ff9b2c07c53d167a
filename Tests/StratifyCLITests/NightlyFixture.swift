import Foundation
import Testing

/// A workspace for end-to-end runs: a sample panel made by the real `stratify sample` in `in/`, and `stratify run`
/// into `out/` with the default rules, quietly.
enum NightlyFixture {
  static let rules = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Rules/default.yaml").path

  static func workspace(patients: Int, seed: Int) throws -> TemporaryDirectory {
    let dir = try TemporaryDirectory()
    let result = try BinaryRunner.run([
      "sample", "--patients", "\(patients)", "--seed", "\(seed)", "--as-of", "2026-11-20", "--output", dir.path("in"),
    ])
    #expect(result.status == 0, "\(result.stderr)")
    return dir
  }

  static func run(_ dir: TemporaryDirectory, asOf: String, input: String, extra: [String]) throws
    -> BinaryRunner.Result
  {
    try BinaryRunner.run(
      ["run", "--input", dir.path(input), "--rules", rules, "--output", dir.path("out"), "--as-of", asOf, "--quiet"]
        + extra)
  }
}
