/// Everything the night's figures are computed from: plain values the pipeline already has.
public struct MetricsInput: Sendable {
  public var asOf: Day
  /// The business-day calendar of the run (the 2-business-day contact deadline).
  public var calendar: BusinessCalendar
  public var capacity: CaseloadCapacity
  public var ruleSet: RuleSet
  /// One summary per extract, in contract order.
  public var inputs: [InputFileSummary]
  /// The rows of rejects.csv.
  public var rejects: [Reject]
  public var rejectThreshold: Double
  public var data: PatientData
  /// One score per accepted patient, in patient order.
  public var scores: [PatientScore]
  /// The open worklist items.
  public var items: [WorklistItem]
  public var closedSinceLastRun: Int
  /// The as-of date of the latest published run before this one.
  public var previousRun: Day?
  /// Each patient's tier in that run.
  public var previousTiers: PreviousTiers
  /// Per patient, the utilization rows in `TierUtilization.window(asOf:)` counted while reading; nil: count them
  /// from `data` (which then must hold those rows).
  public var eventTallies: [EventTally]?

  public init(
    asOf: Day, calendar: BusinessCalendar, capacity: CaseloadCapacity, ruleSet: RuleSet, inputs: [InputFileSummary],
    rejects: [Reject], rejectThreshold: Double, data: PatientData, scores: [PatientScore], items: [WorklistItem],
    closedSinceLastRun: Int, previousRun: Day?, previousTiers: PreviousTiers, eventTallies: [EventTally]? = nil
  ) {
    self.eventTallies = eventTallies
    self.asOf = asOf
    self.calendar = calendar
    self.capacity = capacity
    self.ruleSet = ruleSet
    self.inputs = inputs
    self.rejects = rejects
    self.rejectThreshold = rejectThreshold
    self.data = data
    self.scores = scores
    self.items = items
    self.closedSinceLastRun = closedSinceLastRun
    self.previousRun = previousRun
    self.previousTiers = previousTiers
  }

  /// The input with the previous run's tiers given by patient_id (matched to `data`'s patients).
  public init(
    asOf: Day, calendar: BusinessCalendar, capacity: CaseloadCapacity, ruleSet: RuleSet, inputs: [InputFileSummary],
    rejects: [Reject], rejectThreshold: Double, data: PatientData, scores: [PatientScore], items: [WorklistItem],
    closedSinceLastRun: Int, previousRun: Day?, previousTiers: [String: String], eventTallies: [EventTally]? = nil
  ) {
    self.init(
      asOf: asOf, calendar: calendar, capacity: capacity, ruleSet: ruleSet, inputs: inputs, rejects: rejects,
      rejectThreshold: rejectThreshold, data: data, scores: scores, items: items,
      closedSinceLastRun: closedSinceLastRun, previousRun: previousRun,
      previousTiers: PreviousTiers(previousTiers, patientIDs: data.patients.map(\.id)), eventTallies: eventTallies)
  }
}
