/// The practice managers' outputs of a run, written into its staging folder: `metrics.json`, `metrics.prom` (the
/// figures only: the stable file with run times is `MetricsTextfile`'s) and `report.html` (plus practice files).
public enum RunReports {
  /// `json` is `metrics.json` when the caller has it already (encoding it takes a few milliseconds).
  public static func write(
    _ metrics: RunMetrics, json: String? = nil, history: [RunRecord], ruleSet: RuleSet, settings: ReportSettings,
    templates: String?, to folder: String
  ) throws {
    try OutputFile.write(json ?? metrics.json, to: folder + "/metrics.json", sync: false)
    try OutputFile.write(metrics.prometheus.text, to: folder + "/metrics.prom", sync: false)
    try ReportWriter.write(
      metrics, history: history, ruleSet: ruleSet, settings: settings, templates: templates, folder: folder)
  }
}
