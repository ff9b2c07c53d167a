import ArgumentParser
import Foundation
import StratifyCore

/// `stratify explain PATIENT_ID`: why this patient got this score, tier and these actions.
struct ExplainCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "explain",
    abstract:
      "Show a patient's features, each rule's points and why, the tier and the points to the next, and the actions.")

  @Argument(help: "The patient_id to explain.") var patientID: String
  @OptionGroup var common: CommonOptions
  @Option(help: ArgumentHelp("Rule file (default: Rules/default.yaml).", valueName: "file")) var rules: String?
  @Option(name: .customLong("as-of"), help: ArgumentHelp("Run date YYYY-MM-DD (default: today).", valueName: "date"))
  var asOf: String?
  @Flag(help: "Print JSON instead of text.") var json = false

  func run() throws {
    var logging = LoggingOptions()
    logging.quiet = true
    let logger = logging.makeLogger()
    try reportingErrors {
      let configuration = try common.resolve(rules: rules, asOf: asOf)
      let settings = try RunSettings(
        configuration: configuration, today: today(), cwd: FileManager.default.currentDirectoryPath)
      let ruleSet = try RuleSetLoader.load(path: settings.rulesPath)
      var options = settings.ingest
      options.storedColumns = ruleSet.storedColumns
      options.eventRetention = ruleSet.utilizationReach.retention(asOf: settings.asOf)
      let ingest = try ExtractLoader.load(settings.inputs, options: options, logger: logger, enforcingThreshold: false)
      guard let index = ingest.patientPosition(of: patientID) else { throw RunError.unknownPatient(id: patientID) }
      let data = PatientData(patients: ingest.patients, utilization: ingest.utilization, discharges: ingest.discharges)
      let engine = ScoringEngine(ruleSet: ruleSet, asOf: settings.asOf, calendar: settings.calendar)
      let explanation = engine.explain(data, patient: Int(index))
      if json {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        print(String(decoding: try encoder.encode(explanation), as: UTF8.self))
      } else {
        print(explanation.text)
      }
    }
  }
}
