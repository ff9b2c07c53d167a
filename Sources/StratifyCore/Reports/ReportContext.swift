/// The values report.mustache renders for one population (all practices, or one): every number already formatted
/// here, so the template only places text. Plain values go through mustache's escaping; the `svg` values are charts
/// that `ReportCharts` drew from numbers and escaped labels.
struct ReportContext {
  let metrics: RunMetrics
  let figures: PopulationMetrics
  /// The runs of the trend charts, oldest first, tonight's last.
  let trend: [TrendPoint]
  let ruleSet: RuleSetLabels
  /// Nil for the whole organization.
  let practice: String?

  /// Tier labels and ranks from the rule set (the metrics carry names only).
  struct RuleSetLabels {
    var labels: [String: String]
    var rank: (String) -> Int?
  }

  /// Previous per-tier counts: exact for the whole population (compared + departed patients), from the previous run's
  /// stored figures for a practice.
  var previousTiers: [String: Int]? {
    guard metrics.previousRun != nil else { return nil }
    if practice == nil {
      var counts = figures.tierChanges.departedByTier
      for (from, row) in figures.tierChanges.matrix { counts[from, default: 0] += row.values.reduce(0, +) }
      return counts
    }
    return previousPoint?.tiers
  }

  /// Tonight's point is last; the one before it is the previous run's when the history has it.
  var previousPoint: TrendPoint? {
    guard trend.count >= 2, trend[trend.count - 2].asOf.description == metrics.previousRun else { return nil }
    return trend[trend.count - 2]
  }

  /// Ranked tiers first (most intensive on top of the pyramid), then the unranked ones.
  var pyramidOrder: [String] {
    metrics.tierOrder.filter { ruleSet.rank($0) != nil } + metrics.tierOrder.filter { ruleSet.rank($0) == nil }
  }

  func tierLabel(_ tier: String) -> String {
    let label = ruleSet.labels[tier] ?? ""
    return label.isEmpty || label == tier ? tier : "\(tier) — \(label)"
  }

  func color(_ tier: String) -> String { ReportCharts.tierColor(rank: ruleSet.rank(tier)) }

  var values: [String: Any] {
    [
      "headline": headline, "pyramid": pyramid, "movement": movement, "tcm": transitionsOfCare,
      "utilization": utilization, "worklist": worklist, "trends": trends, "topRules": topRules,
    ]
  }

  var headline: [[String: Any]] {
    let previous = previousPoint
    let tcm = figures.transitionsOfCare
    var cards: [[String: Any]] = [
      card("Patients", Figures.grouped(figures.patients), previous.map { figures.patients - $0.patients }, "accepted"),
      card(
        "Open worklist items", Figures.grouped(figures.worklist.items),
        previous.map { figures.worklist.items - $0.worklistItems },
        "\(Figures.grouped(figures.worklist.patients)) patients"),
      card(
        "Overdue items", Figures.grouped(figures.worklist.overdue),
        previous.map { figures.worklist.overdue - $0.overdueItems }, "past their due date",
        alert: figures.worklist.overdue > 0),
    ]
    var contact = card(
      "Contact within 2 business days", Figures.percent(tcm.contactWithinTwoBusinessDays.share), nil,
      "\(tcm.contactWithinTwoBusinessDays.met) of \(tcm.contactWithinTwoBusinessDays.eligible) discharges")
    contact["delta"] = Figures.pointsDelta(tcm.contactWithinTwoBusinessDays.share, previous?.contactShare)
    cards.append(contact)
    cards.append(
      card("30-day readmissions", Figures.grouped(tcm.thirtyDayReadmissions), nil, "of \(tcm.admissions) admissions"))
    if practice == nil {
      cards.append(
        card("Actions closed", Figures.grouped(metrics.closedActionsSinceLastRun), nil, "since the last run"))
      let rejected = metrics.rejects.values.reduce(0, +)
      cards.append(card("Rows rejected", Figures.grouped(rejected), nil, "see data quality", alert: rejected > 0))
    }
    return cards
  }

  func card(_ label: String, _ value: String, _ delta: Int?, _ note: String, alert: Bool = false) -> [String: Any] {
    ["label": label, "value": value, "delta": Figures.delta(delta), "note": note, "alert": alert]
  }

  var pyramid: [String: Any] {
    let previous = previousTiers
    let bars = pyramidOrder.map {
      ReportCharts.TierBar(
        label: $0, count: figures.tiers[$0] ?? 0, share: Figures.share(figures.tiers[$0] ?? 0, of: figures.patients),
        color: color($0))
    }
    let rows: [[String: Any]] = pyramidOrder.map { tier in
      let count = figures.tiers[tier] ?? 0
      return [
        "tier": tier, "label": ruleSet.labels[tier] ?? "", "count": Figures.grouped(count),
        "share": Figures.percent(Figures.share(count, of: figures.patients)),
        "change": previous.map { Figures.delta(count - ($0[tier] ?? 0)) } ?? "—", "color": color(tier),
      ]
    }
    return ["svg": ReportCharts.pyramid(bars), "rows": rows, "total": Figures.grouped(figures.patients)]
  }

  var movement: [String: Any] {
    let m = figures.tierChanges
    // Earlier runs in the trends but no previous run to compare with: keep_runs pruned its patient rows.
    guard let previousRun = metrics.previousRun else { return ["hasPrevious": false, "pruned": trend.count >= 2] }
    let order = pyramidOrder
    let fromTiers = order + m.matrix.keys.filter { !order.contains($0) }.sorted()
    let header: [[String: Any]] = order.map { ["tier": $0] }
    var rows: [[String: Any]] = fromTiers.map { from in
      let cells: [[String: Any]] = order.map { to in
        let n = m.matrix[from]?[to] ?? 0
        let kind =
          from == to
          ? "same" : (ruleSet.rank(from).flatMap { f in ruleSet.rank(to).map { $0 < f ? "up" : "down" } } ?? "other")
        return ["count": n == 0 ? "·" : Figures.grouped(n), "kind": n == 0 ? "zero" : kind]
      }
      return [
        "from": from, "cells": cells,
        "departed": practice == nil ? Figures.grouped(m.departedByTier[from] ?? 0) : "",
      ]
    }
    rows.append([
      "from": "new patients", "cells": order.map { ["count": Figures.grouped(m.newByTier[$0] ?? 0), "kind": "new"] },
      "departed": "", "isNew": true,
    ])
    return [
      "hasPrevious": true, "previousRun": previousRun, "header": header, "rows": rows, "showDeparted": practice == nil,
      "escalated": Figures.grouped(m.escalated), "deEscalated": Figures.grouped(m.deEscalated),
      "unchanged": Figures.grouped(m.unchanged), "other": Figures.grouped(m.other),
      "newPatients": Figures.grouped(m.newPatients), "departed": m.departedPatients.map(Figures.grouped) ?? "",
    ]
  }

  var transitionsOfCare: [String: Any] {
    let t = figures.transitionsOfCare
    func measure(_ label: String, _ m: TransitionsOfCare.FollowUpMeasure, _ target: String) -> [String: Any] {
      [
        "label": label, "target": target, "met": Figures.grouped(m.met), "eligible": Figures.grouped(m.eligible),
        "share": Figures.percent(m.share), "bar": ReportCharts.shareBar(m.share), "pending": Figures.grouped(m.pending),
      ]
    }
    return [
      "windowStart": t.windowStart, "windowEnd": t.windowEnd, "discharges": Figures.grouped(t.discharges),
      "patients": Figures.grouped(t.patientsDischarged),
      "measures": [
        measure("Case-management contact", t.contactWithinTwoBusinessDays, "within 2 business days"),
        measure("Follow-up visit", t.visitWithinSevenDays, "within 7 days"),
        measure("Follow-up visit", t.visitWithinFourteenDays, "within 14 days"),
      ],
      "admissions": Figures.grouped(t.admissions), "readmissions": Figures.grouped(t.thirtyDayReadmissions),
      "readmissionShare": Figures.percent(t.readmissionShare),
    ]
  }

  var utilization: [[String: Any]] {
    let byTier = Dictionary(figures.utilizationByTier.map { ($0.tier, $0) }, uniquingKeysWith: { a, _ in a })
    return pyramidOrder.compactMap { byTier[$0] }.map { u in
      [
        "tier": u.tier, "color": color(u.tier), "patients": Figures.grouped(u.patients),
        "edVisits": Figures.grouped(u.edVisits),
        "edPerThousand": u.edVisitsPerThousand.map { Figures.groupedDecimal($0, places: 1) } ?? "—",
        "noShows": Figures.grouped(u.noShows), "kept": Figures.grouped(u.keptVisits),
        "noShowRate": Figures.percent(u.noShowRate),
      ]
    }
  }

  var worklist: [String: Any] {
    let w = figures.worklist
    let bars = w.caseManagers.map {
      ReportCharts.LoadBar(
        label: $0.caseManagerID, patients: $0.patients, overCapacity: $0.overCapacity, capacity: $0.capacity)
    }
    return [
      "items": Figures.grouped(w.items), "overdue": Figures.grouped(w.overdue), "patients": Figures.grouped(w.patients),
      "overCapacityItems": w.overCapacityItems > 0 ? Figures.grouped(w.overCapacityItems) : false,
      "chart": bars.isEmpty ? "" : ReportCharts.load(bars), "hasCaseManagers": !bars.isEmpty,
      "caseManagers": w.caseManagers.map { cm -> [String: Any] in
        [
          "id": cm.caseManagerID, "items": Figures.grouped(cm.items), "overdue": Figures.grouped(cm.overdue),
          "overdueAlert": cm.overdue > 0, "patients": Figures.grouped(cm.patients),
          "capacity": cm.capacity.map(Figures.grouped) ?? "no limit",
          "over": cm.overCapacity > 0 ? Figures.grouped(cm.overCapacity) : "",
        ]
      },
      "unassigned": w.unassigned.map { u -> [String: Any] in
        [
          "practice": u.practiceID, "patients": Figures.grouped(u.patients), "items": Figures.grouped(u.items),
          "overdue": Figures.grouped(u.overdue),
        ]
      },
      "hasUnassigned": !w.unassigned.isEmpty,
    ]
  }

  var trends: [String: Any] {
    let dates = trend.map(\.asOf.description)
    // One small chart per ranked tier: on one scale the largest tier would flatten the others.
    let tierCharts: [[String: Any]] = pyramidOrder.filter { ruleSet.rank($0) != nil }.map { tier in
      let title = "Patients — \(tier)"
      let values = trend.map { $0.tiers.map { Double($0[tier] ?? 0) } }
      return [
        "title": title,
        "svg": ReportCharts.trend(
          title: title, dates: dates, series: [.init(label: tier, color: color(tier), values: values)]),
      ]
    }
    let charts: [[String: Any]] =
      [
        [
          "title": "Open worklist items",
          "svg": ReportCharts.trend(
            title: "Open worklist items", dates: dates,
            series: [.init(label: "items", color: ReportCharts.accent, values: trend.map { Double($0.worklistItems) })]),
        ],
        [
          "title": "Overdue items",
          "svg": ReportCharts.trend(
            title: "Overdue items", dates: dates,
            series: [.init(label: "overdue", color: ReportCharts.alert, values: trend.map { Double($0.overdueItems) })]),
        ],
        [
          "title": "Contact within 2 business days",
          "svg": ReportCharts.trend(
            title: "Contact within 2 business days", dates: dates,
            series: [.init(label: "share", color: "#00798c", values: trend.map(\.contactShare))], percent: true),
        ],
      ] + tierCharts
    return [
      "runs": trend.count == 1 ? "1 run" : "\(trend.count) runs", "from": dates.first ?? "", "to": dates.last ?? "",
      "charts": charts,
    ]
  }

  var topRules: [[String: Any]] {
    figures.topRules.enumerated().map { i, r in
      [
        "rank": i + 1, "id": r.ruleID, "label": r.label, "patients": Figures.grouped(r.patients),
        "share": Figures.percent(r.share), "bar": ReportCharts.shareBar(r.share),
      ]
    }
  }
}
