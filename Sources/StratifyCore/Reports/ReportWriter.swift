import Foundation

/// Writes `report.html` for the practice managers from the night's metrics and the history's recent runs, with
/// `Templates/report.mustache`; per the `reports.per_practice` setting, practices get a section each at the end of it
/// or a file each beside it (`report-<practice_id>.html`, rendered with the same template). Counts and ids only.
public enum ReportWriter {
  /// Writes report.html (and the practice files) into `folder`. `history` holds the published runs before this one,
  /// oldest first.
  public static func write(
    _ metrics: RunMetrics, history: [RunRecord], ruleSet: RuleSet, settings: ReportSettings, templates: String?,
    folder: String
  ) throws {
    let template = try Templates.load("report", from: templates)
    let labels = labels(ruleSet)
    if settings.perPractice == .files {
      for p in metrics.practices {
        let practicePage = page(metrics, figures: p.figures, history: history, labels: labels, practice: p.practiceID)
        try OutputFile.write(
          template.render(practicePage), to: folder + "/" + fileName(practice: p.practiceID), sync: false)
      }
    }
    let context = context(metrics, history: history, labels: labels, settings: settings)
    try OutputFile.write(template.render(context), to: folder + "/report.html", sync: false)
  }

  static func labels(_ ruleSet: RuleSet) -> ReportContext.RuleSetLabels {
    ReportContext.RuleSetLabels(
      labels: Dictionary(ruleSet.tiers.map { ($0.name, $0.label) }, uniquingKeysWith: { a, _ in a }),
      rank: RunMetrics.rank(ruleSet))
  }

  /// What report.html is rendered from.
  static func context(
    _ metrics: RunMetrics, history: [RunRecord], labels: ReportContext.RuleSetLabels, settings: ReportSettings
  ) -> [String: Any] {
    var context = page(metrics, figures: metrics.organization, history: history, labels: labels, practice: nil)
    context["dataQuality"] = dataQuality(metrics)
    switch settings.perPractice {
    case .sections:
      context["practiceSections"] = metrics.practices.map {
        practiceSection($0, labels: labels, hasPrevious: metrics.previousRun != nil)
      }
    case .files:
      context["practiceFiles"] = metrics.practices.map { p -> [String: Any] in
        [
          "id": p.practiceID, "file": fileName(practice: p.practiceID), "patients": Figures.grouped(p.figures.patients),
          "items": Figures.grouped(p.figures.worklist.items), "overdue": Figures.grouped(p.figures.worklist.overdue),
        ]
      }
    }
    context["hasPractices"] = !metrics.practices.isEmpty
    context["hasPracticeFiles"] = settings.perPractice == .files && !metrics.practices.isEmpty
    return context
  }

  /// `report-<practice_id>.html`, with the practice id made safe as a file name.
  public static func fileName(practice: String) -> String { "report-" + WorklistWriter.fileName(practice) + ".html" }

  static func page(
    _ metrics: RunMetrics, figures: PopulationMetrics, history: [RunRecord], labels: ReportContext.RuleSetLabels,
    practice: String?
  ) -> [String: Any] {
    let population = ReportContext(
      metrics: metrics, figures: figures,
      trend: TrendPoint.series(history: history, tonight: metrics, practice: practice),
      ruleSet: labels, practice: practice)
    var context = population.values
    context["scope"] = practice.map { "Practice \($0)" } ?? "All practices"
    context["isOrganization"] = practice == nil
    context["asOf"] = metrics.asOf
    context["previousRun"] = metrics.previousRun ?? false
    context["ruleSetName"] = metrics.ruleSet.name
    context["ruleSetVersion"] = metrics.ruleSet.version
    context["ruleSetSHA"] = metrics.ruleSet.sha256
    context["version"] = StratifyVersion.current
    context["schemaVersion"] = metrics.schemaVersion
    return context
  }

  static func dataQuality(_ metrics: RunMetrics) -> [String: Any] {
    var reasons: [[String: Any]] = []
    for file in metrics.files {
      for category in RejectCategory.allCases {
        guard let n = file.rejectsByReason[category.rawValue] else { continue }
        reasons.append([
          "file": file.file, "reason": category.label, "key": category.rawValue, "count": Figures.grouped(n),
        ])
      }
    }
    let files: [[String: Any]] = metrics.files.map { f in
      let share = Figures.share(f.rowsRejected, of: f.rowsRead)
      // Red on the share the threshold applies to: rows of a patient rejected in patients.csv count there only.
      return [
        "file": f.file, "read": Figures.grouped(f.rowsRead), "accepted": Figures.grouped(f.rowsAccepted),
        "rejected": Figures.grouped(f.rowsRejected), "share": Figures.percent(share, places: 2),
        "alert": (Figures.share(f.ownRejected, of: f.rowsRead) ?? 0) > metrics.rejectThreshold / 2,
      ]
    }
    let unknown: [[String: Any]] = metrics.files.filter { !$0.unknownColumns.isEmpty }.map {
      ["file": $0.file, "columns": $0.unknownColumns.joined(separator: ", ")]
    }
    return [
      "files": files, "reasons": reasons, "hasReasons": !reasons.isEmpty, "unknown": unknown,
      "hasUnknown": !unknown.isEmpty, "threshold": Figures.percent(metrics.rejectThreshold, places: 2),
    ]
  }

  /// A practice's compact section at the end of report.html.
  static func practiceSection(_ p: PracticeMetrics, labels: ReportContext.RuleSetLabels, hasPrevious: Bool)
    -> [String: Any]
  {
    let f = p.figures
    let tiers = f.tiers.keys.sorted { (labels.rank($0) ?? Int.max, $0) < (labels.rank($1) ?? Int.max, $1) }
    let bars = tiers.map {
      ReportCharts.TierBar(
        label: $0, count: f.tiers[$0] ?? 0, share: Figures.share(f.tiers[$0] ?? 0, of: f.patients),
        color: ReportCharts.tierColor(rank: labels.rank($0)))
    }
    let t = f.transitionsOfCare
    return [
      "id": p.practiceID, "anchor": "practice-" + WorklistWriter.fileName(p.practiceID),
      "patients": Figures.grouped(f.patients), "withoutCaseManager": Figures.grouped(p.patientsWithoutCaseManager),
      "stack": ReportCharts.stacked(bars),
      "tiers": bars.map {
        ["tier": $0.label, "count": Figures.grouped($0.count), "share": Figures.percent($0.share), "color": $0.color]
      },
      "discharges": Figures.grouped(t.discharges),
      "contact": Figures.percent(t.contactWithinTwoBusinessDays.share),
      "contactOf": "\(t.contactWithinTwoBusinessDays.met) of \(t.contactWithinTwoBusinessDays.eligible)",
      "visit7": Figures.percent(t.visitWithinSevenDays.share),
      "visit14": Figures.percent(t.visitWithinFourteenDays.share),
      "readmissions": Figures.grouped(t.thirtyDayReadmissions),
      "items": Figures.grouped(f.worklist.items), "overdue": Figures.grouped(f.worklist.overdue),
      "unassigned": Figures.grouped(f.worklist.unassigned.reduce(0) { $0 + $1.patients }),
      "caseManagers": f.worklist.caseManagers.isEmpty
        ? "none" : f.worklist.caseManagers.map { "\($0.caseManagerID) (\($0.patients))" }.joined(separator: ", "),
      "moved": hasPrevious
        ? "\(f.tierChanges.escalated) escalated, \(f.tierChanges.deEscalated) de-escalated, "
          + "\(f.tierChanges.newPatients) new since the last run" : "first run",
    ]
  }
}
