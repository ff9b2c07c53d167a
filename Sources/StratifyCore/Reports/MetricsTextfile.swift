import Foundation

/// The stable Prometheus textfile that node_exporter is pointed at (`metrics_path`, default `<output>/metrics.prom`),
/// replaced atomically (temporary file + rename) after every run:
/// - after a published run: that run's figures, `stratify_last_success_timestamp_seconds`,
///   `stratify_run_duration_seconds`, `stratify_last_run_exit_status 0` and `stratify_last_run_timestamp_seconds`;
/// - after a failed run: the previous file with only the exit status and the last-run timestamp changed, so the last
///   success timestamp and the last good figures stay (a file that never saw a success gets a success timestamp of
///   0, so a staleness alert fires at once).
public enum MetricsTextfile {
  static let lastSuccess = "stratify_last_success_timestamp_seconds"
  static let duration = "stratify_run_duration_seconds"
  static let exitStatus = "stratify_last_run_exit_status"
  static let lastRun = "stratify_last_run_timestamp_seconds"

  /// The stable file's content after a published run that started at `startedAt` and finished at `finishedAt`.
  public static func success(_ metrics: RunMetrics, startedAt: Date, finishedAt: Date) -> PrometheusTextfile {
    var file = metrics.prometheus
    file.set(
      .init(
        lastSuccess, help: "Unix time at which the last successful run finished.",
        value: seconds(finishedAt)))
    file.set(
      .init(
        duration, help: "Wall-clock seconds the last successful run took.",
        value: Figures.rounded(max(0, finishedAt.timeIntervalSince(startedAt)), places: 3)))
    file.set(status(0, at: finishedAt)[exitStatus]!)
    file.set(status(0, at: finishedAt)[lastRun]!)
    return file
  }

  /// The stable file's content after a run that failed with `exitStatus` at `time`, given the previous content.
  public static func failure(previous: String?, exitStatus code: Int32, at time: Date) -> PrometheusTextfile {
    var file = PrometheusTextfile(parsing: previous ?? "")
    if file[lastSuccess] == nil {
      file.set(.init(lastSuccess, help: "Unix time at which the last successful run finished (0: never).", value: 0))
    }
    for family in status(code, at: time).families { file.set(family) }
    return file
  }

  /// Writes the success content to `path` atomically.
  public static func publishSuccess(_ metrics: RunMetrics, startedAt: Date, finishedAt: Date, to path: String) throws {
    try OutputFile.replaceAtomically(success(metrics, startedAt: startedAt, finishedAt: finishedAt).text, at: path)
  }

  /// Rewrites `path` atomically for a failed run, keeping what it says about the last success.
  public static func publishFailure(exitStatus code: Int32, at time: Date, to path: String) throws {
    let previous = FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
    try OutputFile.replaceAtomically(failure(previous: previous, exitStatus: code, at: time).text, at: path)
  }

  static func status(_ code: Int32, at time: Date) -> PrometheusTextfile {
    PrometheusTextfile(families: [
      .init(
        exitStatus,
        help: "Exit status of the last run (0 success, 65 data error, 66 missing input, 73 cannot write, "
          + "78 configuration; see the README).", value: Double(code)),
      .init(lastRun, help: "Unix time at which the last run (successful or not) ended.", value: seconds(time)),
    ])
  }

  /// Whole Unix seconds, so the file does not change within a second for nothing.
  static func seconds(_ date: Date) -> Double { date.timeIntervalSince1970.rounded(.down) }
}
