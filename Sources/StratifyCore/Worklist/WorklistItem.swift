/// One open action for one patient on a case manager's list.
public struct WorklistItem: Sendable, Equatable {
  /// Status against the previous published run.
  public enum Status: String, Sendable, Codable {
    /// Not on the previous run's list.
    case new
    /// On the list before, and the patient's tier went up.
    case escalated
    /// On the list before, and the patient's tier went down.
    case deescalated = "de-escalated"
    /// On the list before, same tier.
    case carried
  }

  /// The list it belongs to: the case manager's id, or `unassigned-<practice_id>`.
  public var list: String
  /// The patient's case manager (empty when unassigned).
  public var caseManagerID: String
  public var patientID: String
  public var action: String
  public var actionLabel: String
  public var priority: Int
  public var due: Day
  /// Calendar days from the as-of date to the due date; negative when overdue.
  public var daysUntilDue: Int
  public var tier: String
  /// Position of the tier in the rule set (0 = the first, most intensive tier).
  public var tierRank: Int
  public var score: Int
  public var firstName: String
  public var lastName: String
  public var phone: String
  public var practiceID: String
  public var pcpID: String
  /// The top three reasons in words, largest contribution first.
  public var reasons: [String]
  public var status: Status
  /// The as-of date the action first appeared on the list (this run's for a new one).
  public var openedOn: Day
  public var daysOnList: Int
  /// The patient is beyond the case manager's capacity for this tier (flagged, never dropped).
  public var overCapacity: Bool

  public var isOverdue: Bool { daysUntilDue < 0 }
}

/// What the previous published run had on its lists, for the status column and days on the list.
public struct PreviousWorklist: Sendable {
  public struct Entry: Sendable, Equatable {
    public var openedOn: Day
    public var tierRank: Int
  }

  public var asOf: Day?
  /// (patient_id, action) → when it was first opened and the patient's tier rank then.
  public var open: [String: Entry]

  public init(asOf: Day? = nil, open: [String: Entry] = [:]) {
    self.asOf = asOf
    self.open = open
  }

  public static func key(patient: String, action: String) -> String { patient + "\u{1F}" + action }
}
