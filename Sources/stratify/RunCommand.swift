import ArgumentParser
import Foundation
import StratifyCore

/// `stratify run`: the nightly job cron calls.
struct RunCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run",
    abstract: "Score every patient, build the worklists and reports, and publish them atomically.")

  @OptionGroup var common: CommonOptions
  @Option(help: ArgumentHelp("Rule file (default: Rules/default.yaml).", valueName: "file")) var rules: String?
  @Option(help: ArgumentHelp("Output folder (default: ./out).", valueName: "dir")) var output: String?
  @Option(name: .customLong("as-of"), help: ArgumentHelp("Run date YYYY-MM-DD (default: today).", valueName: "date"))
  var asOf: String?
  @OptionGroup var logging: LoggingOptions

  func run() throws {
    let logger = logging.makeLogger()
    try reportingErrors {
      let configuration = try common.resolve(rules: rules, output: output, asOf: asOf)
      var settings = try RunSettings(
        configuration: configuration, today: today(), cwd: FileManager.default.currentDirectoryPath)
      // End-to-end tests stop a run at a named checkpoint to kill it there; nothing else sets this.
      settings.pauseAt = ProcessInfo.processInfo.environment["STRATIFY_TEST_PAUSE_AT"]
      settings.ingest.progress = TerminalProgress.forIngest(quiet: logging.quiet)
      let summary: RunSummary
      do {
        summary = try NightlyRun.execute(settings, logger: logger)
      } catch {
        // The stable Prometheus file learns of the failure (exit status), keeping the last success's figures.
        NightlyRun.recordFailure(settings, error: error, logger: logger)
        throw error
      }
      if !logging.quiet {
        let tiers = summary.tiers.map { "\($0.tier) \($0.count)" }.joined(separator: ", ")
        print(
          "stratify run \(summary.asOf): \(summary.patients) patients (\(tiers)); \(summary.worklistItems) worklist items, "
            + "\(summary.overdueItems) overdue → \(summary.runPath)")
      }
    }
  }
}
