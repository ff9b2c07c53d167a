import ArgumentParser
import Foundation
import StratifyCore

/// The options every command that reads the extracts shares: where the configuration and the inputs are.
struct CommonOptions: ParsableArguments {
  @Option(
    name: .long, help: ArgumentHelp("Configuration file (default: ./stratify.yaml when present).", valueName: "file"))
  var config: String?

  @Option(
    name: .long,
    help: ArgumentHelp("Folder with patients.csv, utilization.csv and discharges.csv.", valueName: "dir"))
  var input: String?

  /// The configuration file merged with these flags and the command's own (flags win).
  func resolve(rules: String? = nil, output: String? = nil, asOf: String? = nil) throws -> Configuration {
    try Configuration.resolve(
      configPath: config, input: input, rules: rules, output: output, asOf: asOf,
      cwd: FileManager.default.currentDirectoryPath)
  }
}
