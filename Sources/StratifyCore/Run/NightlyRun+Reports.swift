import Foundation
import Logging

extension NightlyRun {
  /// The night's figures (`recentRuns`: the published runs before this one, oldest first; `previousRun` and
  /// `previousTiers`: the latest one and its patients' tiers, nil and none when `keep_runs` pruned its rows); logs
  /// one line of counts and timing.
  static func reportFigures(
    _ settings: RunSettings, ruleSet: RuleSet, ingest: IngestResult, data: PatientData, scores: [PatientScore],
    items: [WorklistItem], closedSinceLastRun: Int, recentRuns: [RunRecord], previousRun: Day?,
    previousTiers: PreviousTiers, logger: Logger
  ) -> RunMetrics {
    var clock = StageClock()
    let metrics = RunMetrics(
      MetricsInput(
        asOf: settings.asOf, calendar: settings.calendar, capacity: settings.capacity, ruleSet: ruleSet,
        inputs: ingest.inputs, rejects: ingest.rejects, rejectThreshold: ingest.quality.rejectThreshold, data: data,
        scores: scores, items: items, closedSinceLastRun: closedSinceLastRun, previousRun: previousRun,
        previousTiers: previousTiers, eventTallies: ingest.eventTallies))
    logger.info(
      "metrics computed",
      metadata: [
        "practices": "\(metrics.practices.count)", "runs_in_trends": "\(recentRuns.count + 1)",
        "discharges_30d": "\(metrics.transitionsOfCare.discharges)", "seconds": "\(clock.lap())",
      ])
    return metrics
  }

  /// Writes the run's files but scores.csv (written beside the worklists and figures, as soon as the scores exist)
  /// into the staging folder. The files are independent: the worklist CSVs, rejects and reports are written on one
  /// thread while worklist.html (the costliest) is written on another; every job runs, and the first error in the
  /// order above is thrown.
  static func writeStaging(
    _ staging: String, settings: RunSettings, ruleSet: RuleSet, ingest: IngestResult, items: [WorklistItem],
    metrics: RunMetrics, metricsJSON: String, recentRuns: [RunRecord]
  ) throws {
    let lanes: [@Sendable () throws -> Void] = [
      {
        try WorklistWriter.writeCSVFiles(items, to: staging + "/worklist.csv", listFolder: staging + "/worklists")
        try Reject.write(ingest.rejects, toCSV: staging + "/rejects.csv")
        try RunReports.write(
          metrics, json: metricsJSON, history: recentRuns, ruleSet: ruleSet, settings: settings.reports,
          templates: settings.templates, to: staging)
      },
      {
        try WorklistWriter.writeHTML(
          items, asOf: settings.asOf, ruleSet: ruleSet, templates: settings.templates, to: staging + "/worklist.html")
      },
    ]
    var errors = [(any Error)?](repeating: nil, count: lanes.count)
    errors.withUnsafeMutableBufferPointer { buffer in
      nonisolated(unsafe) let out = buffer
      DispatchQueue.concurrentPerform(iterations: lanes.count) { lane in
        do { try lanes[lane]() } catch { out[lane] = error }
      }
    }
    if let error = errors.compactMap({ $0 }).first { throw error }
  }

  /// After a published run: the stable Prometheus file gets the run's figures, its finish time and duration. The run
  /// is published by then, so a failure here is logged, not thrown (the stale timestamp makes monitoring alert).
  static func publishMetricsTextfile(_ metrics: RunMetrics, settings: RunSettings, startedAt: Date, logger: Logger) {
    do {
      try MetricsTextfile.publishSuccess(
        metrics, startedAt: startedAt, finishedAt: settings.now(), to: settings.metricsPath)
    } catch {
      logger.error(
        "cannot write the Prometheus textfile", metadata: ["path": "\(settings.metricsPath)", "error": "\(error)"])
    }
  }

  /// After a failed run: rewrites the stable Prometheus file with the exit status of `error`, keeping the last
  /// success timestamp and the last good figures. A run refused by the lock leaves it alone (the run holding the lock
  /// writes it); so does a failure while another run has taken the lock since. Never throws: the run's own error is
  /// what the caller reports.
  public static func recordFailure(_ settings: RunSettings, error: Error, logger: Logger) {
    let status = (error as? StratifyError)?.exitStatus ?? .failure
    guard status != .locked else { return }
    let folder = OutputFolder(root: settings.output)
    do {
      try folder.prepare()
      let lock = try RunLock(path: folder.lockPath)
      defer { withExtendedLifetime(lock) {} }
      try MetricsTextfile.publishFailure(exitStatus: status.rawValue, at: settings.now(), to: settings.metricsPath)
    } catch {
      logger.warning(
        "cannot record the failed run in the Prometheus textfile",
        metadata: ["path": "\(settings.metricsPath)", "error": "\(error)"])
    }
  }
}
