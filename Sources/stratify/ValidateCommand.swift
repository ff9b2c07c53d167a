import ArgumentParser
import Foundation
import Logging
import StratifyCore

/// `stratify validate`: reads the extracts as a run would, prints the data-quality summary, optionally writes the
/// rejects, and exits with the code a run would have.
struct ValidateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "validate",
    abstract: "Check the extracts against the data contract and print a data-quality summary.",
    discussion: """
      Exits 0 when the extracts can be used (rejected rows under the threshold are not a failure), 65 for a \
      broken file or too many rejects, 66 for a missing file, 78 for a bad configuration.
      """)

  @OptionGroup var common: CommonOptions

  @Option(
    name: .long, help: ArgumentHelp("Write the rejected rows here as CSV (file,line,column,reason).", valueName: "file")
  )
  var rejects: String?

  func run() throws {
    try reportingErrors {
      let config = try common.resolve()
      let paths = try config.inputPaths()
      var logger = Logger(label: "stratify.validate") { StreamLogHandler.standardError(label: $0) }
      // What ingest warns about (records over several lines) is in the summary printed below: not twice.
      logger.logLevel = .error
      // The threshold is checked only after the summary and the rejects are out, so a failing set still
      // shows why it fails.
      // Every row is checked and counted; none needs to stay in memory for the summary.
      var options = config.ingestOptions(storedColumns: .none)
      options.eventRetention = .nothing(latest: nil)
      let result = try ExtractLoader.load(paths, options: options, logger: logger, enforcingThreshold: false)
      print(result.quality.text, terminator: "")
      if let rejects {
        let path = rejects.hasPrefix("/") ? rejects : FileManager.default.currentDirectoryPath + "/" + rejects
        try Reject.write(result.rejects, toCSV: path)
      }
      try result.enforceRejectThreshold()
    }
  }
}
