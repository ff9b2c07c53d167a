import Foundation
import Logging

/// What a run was asked to do, resolved from the configuration and flags.
public struct RunSettings: Sendable {
  public var inputs: InputPaths
  public var rulesPath: String
  public var output: String
  public var asOf: Day
  public var ingest: IngestOptions
  public var calendar: BusinessCalendar

  /// Resolves defaults: rules `Rules/default.yaml` and output `out` (relative to `cwd`), as-of `today`.
  public init(configuration: Configuration, today: Day, cwd: String) throws {
    inputs = try configuration.inputPaths()
    rulesPath = configuration.rules ?? (cwd + "/Rules/default.yaml")
    output = configuration.output ?? (cwd + "/out")
    asOf = configuration.asOf ?? today
    ingest = configuration.ingestOptions()
    calendar = .usFederal
  }
}

/// What a finished run reports to its caller.
public struct RunSummary: Sendable {
  public var asOf: Day
  public var runPath: String
  public var patients: Int
  public var tiers: [(tier: String, count: Int)]
}

/// The nightly job: compile rules (fail before reading data) → lock → ingest → score → write into staging →
/// publish atomically. Each stage logs one line of counts and timings, never patient data.
public enum NightlyRun {
  public static func execute(_ settings: RunSettings, logger: Logger) throws -> RunSummary {
    var clock = StageClock()
    let ruleSet = try RuleSetLoader.load(path: settings.rulesPath)
    logger.info(
      "rules compiled",
      metadata: [
        "rule_set": "\(ruleSet.name) \(ruleSet.version)", "features": "\(ruleSet.features.count)",
        "rules": "\(ruleSet.rules.count)", "seconds": "\(clock.lap())",
      ])

    let folder = OutputFolder(root: settings.output)
    try folder.prepare()
    let lock = try RunLock(path: folder.lockPath)
    defer { withExtendedLifetime(lock) {} }
    folder.removeLeftovers()

    var options = settings.ingest
    options.storedColumns = ruleSet.storedColumns
    let ingest = try ExtractLoader.load(settings.inputs, options: options, logger: logger)
    let data = PatientData(patients: ingest.patients, utilization: ingest.utilization, discharges: ingest.discharges)

    let engine = ScoringEngine(ruleSet: ruleSet, asOf: settings.asOf, calendar: settings.calendar)
    let scores = engine.score(data)
    let tiers = tierCounts(scores, ruleSet: ruleSet)
    logger.info(
      "scored",
      metadata: [
        "patients": "\(scores.count)",
        "tiers": "\(tiers.map { "\($0.tier)=\($0.count)" }.joined(separator: " "))", "seconds": "\(clock.lap())",
      ])

    let staging = try folder.makeStaging(settings.asOf)
    do {
      try ScoresWriter.write(scores, patients: data.patients, ruleSet: ruleSet, to: staging + "/scores.csv")
    } catch let error as CSVWriteError {
      try? FileManager.default.removeItem(atPath: staging)
      throw RunError.cannotWrite(path: staging, reason: error.description)
    }
    try folder.publish(staging: staging, asOf: settings.asOf)
    logger.info("published", metadata: ["run": "runs/\(settings.asOf)", "seconds": "\(clock.lap())"])
    return RunSummary(asOf: settings.asOf, runPath: folder.runPath(settings.asOf), patients: scores.count, tiers: tiers)
  }

  /// Patients per tier in the rule set's tier order (the eligibility's `otherwise` tier last).
  static func tierCounts(_ scores: [PatientScore], ruleSet: RuleSet) -> [(tier: String, count: Int)] {
    var counts: [String: Int] = [:]
    for s in scores { counts[s.tier, default: 0] += 1 }
    var names = ruleSet.tiers.map(\.name)
    if let other = ruleSet.eligibility?.otherwiseTier, !names.contains(other) { names.append(other) }
    return names.map { ($0, counts[$0] ?? 0) }
  }
}

/// Seconds since the previous lap, rounded to milliseconds, for the stage log lines.
struct StageClock {
  private var last = DispatchTime.now().uptimeNanoseconds

  mutating func lap() -> Double {
    let now = DispatchTime.now().uptimeNanoseconds
    defer { last = now }
    return (Double(now - last) / 1e6).rounded() / 1000
  }
}
