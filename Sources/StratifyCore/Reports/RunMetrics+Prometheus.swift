extension RunMetrics {
  /// The night's figures as Prometheus gauges: the content of `runs/<as-of>/metrics.prom`. No clock times and no
  /// exit status here (the copy in the run folder stays byte-identical on a re-run, and a published run always
  /// succeeded); `MetricsTextfile` adds those to the stable file.
  public var prometheus: PrometheusTextfile {
    typealias Family = PrometheusTextfile.Family
    typealias Sample = PrometheusTextfile.Sample
    typealias Label = PrometheusTextfile.Label
    let asOfSeconds = Day(iso: asOf).map { Double(Int($0.number) * 86_400) } ?? 0
    return PrometheusTextfile(families: [
      Family(
        "stratify_as_of_date_seconds", help: "As-of date of the last published run (00:00 UTC), in Unix seconds.",
        value: asOfSeconds),
      Family(
        "stratify_rule_set_info", help: "Rule set of the last published run (the value is always 1).",
        samples: [
          Sample(
            labels: [Label("name", ruleSet.name), Label("version", ruleSet.version), Label("sha256", ruleSet.sha256)],
            value: 1)
        ]),
      Family(
        "stratify_rows_read", help: "Data rows read per extract (header excluded) in the last published run.",
        samples: files.map { Sample(labels: [Label("file", $0.file)], value: Double($0.rowsRead)) }),
      Family(
        "stratify_rows_rejected", help: "Rows quarantined in rejects.csv per extract in the last published run.",
        samples: files.map { Sample(labels: [Label("file", $0.file)], value: Double(rejects[$0.file] ?? 0)) }),
      Family(
        "stratify_patients", help: "Accepted patients per tier in the last published run.",
        samples: tierOrder.map { Sample(labels: [Label("tier", $0)], value: Double(tiers[$0] ?? 0)) }),
      Family(
        "stratify_worklist_items", help: "Open worklist items in the last published run.", value: Double(worklist.items)
      ),
      Family(
        "stratify_worklist_overdue_items", help: "Open worklist items past their due date in the last published run.",
        value: Double(worklist.overdue)),
      Family(
        "stratify_tcm_contact_share",
        help: "Share of the last 30 days' discharges (deadline passed) with a contact within 2 business days.",
        value: transitionsOfCare.contactWithinTwoBusinessDays.share ?? .nan),
    ])
  }
}
