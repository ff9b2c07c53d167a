import ArgumentParser
import Foundation
import StratifyCore

struct RulesCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "rules", abstract: "Check and test rule files.",
    subcommands: [RulesCheckCommand.self, RulesTestCommand.self])
}

/// `stratify rules check FILE…`: compiler-style diagnostics; exit 0 when clean, 78 on any error.
struct RulesCheckCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "check",
    abstract: "Type-check rule files: every error as file:line:col with the source line and a caret (exit 78).")

  @Argument(help: "Rule files (YAML).") var files: [String]

  func run() throws {
    var failed = false
    for file in files {
      do {
        let ruleSet = try RuleSetLoader.load(path: file)
        print(
          "\(file): ok — \(ruleSet.name) \(ruleSet.version): \(ruleSet.features.count) features, "
            + "\(ruleSet.rules.count) scoring rules, \(ruleSet.tiers.count) tiers, \(ruleSet.actions.count) actions, "
            + "\(ruleSet.tests.count) tests; sha256 \(ruleSet.sha256)")
      } catch let error as RuleSetError {
        FileHandle.standardError.write(Data((error.description + "\n").utf8))
        failed = true
      }
    }
    if failed { throw ExitCode(ExitStatus.configuration.rawValue) }
  }
}

/// `stratify rules test FILE…`: runs the tests inside the rule files and prints coverage; exit 1 on a failure.
struct RulesTestCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "test",
    abstract:
      "Run the tests inside rule files and print what no test exercised (exit 1 on a failure, 78 on a rule error).")

  @Argument(help: "Rule files (YAML).") var files: [String]

  func run() throws {
    var failed = false
    var broken = false
    for file in files {
      do {
        let ruleSet = try RuleSetLoader.load(path: file)
        let report = RuleTestRunner.run(ruleSet)
        print(report.text)
        if !report.passed { failed = true }
      } catch let error as RuleSetError {
        FileHandle.standardError.write(Data((error.description + "\n").utf8))
        broken = true
      }
    }
    if broken { throw ExitCode(ExitStatus.configuration.rawValue) }
    if failed { throw ExitCode(ExitStatus.failure.rawValue) }
  }
}
