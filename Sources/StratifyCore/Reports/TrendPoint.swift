/// One run's figures on the trend charts of the report.
public struct TrendPoint: Sendable, Equatable {
  public var asOf: Day
  /// Patients per tier (nil for a run recorded before metrics were stored).
  public var tiers: [String: Int]?
  public var patients: Int
  public var worklistItems: Int
  public var overdueItems: Int
  /// The share of discharges with a contact within 2 business days (nil when undefined or unknown).
  public var contactShare: Double?

  /// How many runs the trend charts show, tonight's included.
  public static let runCount = 30

  /// The points of the runs recorded in the history, oldest first, then tonight's; a practice's when `practice`
  /// is given (runs whose metrics lack the practice are left out).
  public static func series(history: [RunRecord], tonight: RunMetrics, practice: String? = nil) -> [TrendPoint] {
    var points: [TrendPoint] = []
    for record in history.suffix(runCount - 1) {
      if let metrics = RunMetrics.decode(json: record.metricsJSON) {
        if let point = TrendPoint(metrics, practice: practice) { points.append(point) }
      } else if practice == nil {
        points.append(
          TrendPoint(
            asOf: record.asOf, tiers: nil, patients: record.patients, worklistItems: record.worklistItems,
            overdueItems: record.overdueItems, contactShare: nil))
      }
    }
    if let point = TrendPoint(tonight, practice: practice) { points.append(point) }
    return points
  }

  init(
    asOf: Day, tiers: [String: Int]?, patients: Int, worklistItems: Int, overdueItems: Int, contactShare: Double?
  ) {
    self.asOf = asOf
    self.tiers = tiers
    self.patients = patients
    self.worklistItems = worklistItems
    self.overdueItems = overdueItems
    self.contactShare = contactShare
  }

  /// The point of a run's metrics for the whole population or one practice (nil when the practice is absent).
  init?(_ metrics: RunMetrics, practice: String?) {
    guard let day = Day(iso: metrics.asOf) else { return nil }
    let figures: PopulationMetrics
    if let practice {
      guard let p = metrics.practices.first(where: { $0.practiceID == practice }) else { return nil }
      figures = p.figures
    } else {
      figures = metrics.organization
    }
    self.init(
      asOf: day, tiers: figures.tiers, patients: figures.patients, worklistItems: figures.worklist.items,
      overdueItems: figures.worklist.overdue, contactShare: figures.transitionsOfCare.contactWithinTwoBusinessDays.share
    )
  }
}
