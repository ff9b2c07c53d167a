/// One example inside a rule file's `tests:`: a patient with events, the as-of date, and what scoring must give.
public struct RuleTestCase: Sendable {
  public var name: String
  public var location: SourceLocation
  public var asOf: Day
  public var patient: PatientRecord
  public var utilization: [UtilizationEvent]
  public var discharges: [DischargeRecord]
  public var expect: Expectation

  /// What the test checks; nil parts are not checked.
  public struct Expectation: Sendable {
    /// `.some(nil)` expects an empty score (not eligible).
    public var score: Int??
    public var tier: String?
    /// The exact set of open actions.
    public var actions: [String]?
    /// The exact set of actions the extracts show done.
    public var closedActions: [String]?
    /// Points of the listed rules (0 = the rule must not give points).
    public var contributions: [(rule: String, points: Int)]
    /// Feature values as text (dates YYYY-MM-DD, null as `null`).
    public var features: [(name: String, value: String)]
    /// Due dates of open actions (YYYY-MM-DD).
    public var due: [(action: String, date: Day)]
  }
}
