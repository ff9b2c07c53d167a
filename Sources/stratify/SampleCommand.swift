import ArgumentParser
import Foundation
import StratifyCore

/// `stratify sample`: writes a deterministic synthetic panel (patients.csv, utilization.csv, discharges.csv).
struct SampleCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "sample",
    abstract: "Generate synthetic extracts of a primary-care panel (deterministic for a given seed).")

  @Option(name: .long, help: ArgumentHelp("Number of patients (at least 1).", valueName: "n"))
  var patients: Int

  @Option(name: .long, help: ArgumentHelp("Random seed: the same seed gives the same files.", valueName: "s"))
  var seed: UInt64 = 1

  @Option(name: .long, help: ArgumentHelp("Run date the data leads up to (default: today).", valueName: "yyyy-mm-dd"))
  var asOf: String?

  @Option(name: .long, help: ArgumentHelp("Average utilization rows per patient.", valueName: "k"))
  var eventsPerPatient: Int = 20

  @Option(name: .long, help: ArgumentHelp("Folder to write the three extracts into.", valueName: "dir"))
  var output: String

  func validate() throws {
    guard patients >= 1 else { throw ValidationError("--patients must be at least 1, got \(patients)") }
    guard eventsPerPatient >= 0 else {
      throw ValidationError("--events-per-patient must be 0 or more, got \(eventsPerPatient)")
    }
    if let asOf, Day(iso: asOf) == nil {
      throw ValidationError("--as-of must be a date YYYY-MM-DD, got '\(asOf)'")
    }
  }

  func run() throws {
    try reportingErrors {
      let day = asOf.flatMap { Day(iso: $0) } ?? Self.today()
      let generator = try SampleGenerator(
        options: SampleOptions(patients: patients, seed: seed, asOf: day, eventsPerPatient: eventsPerPatient))
      let summary = try generator.write(to: output)
      print("sample: \(summary) as of \(day) (seed \(seed)) in \(output)")
    }
  }

  /// Today's date in the local time zone: the only place the sample reads the clock.
  static func today() -> Day {
    let parts = Calendar.current.dateComponents([.year, .month, .day], from: Date())
    return Day(year: parts.year!, month: parts.month!, day: parts.day!)!
  }
}
