/// What scoring decided for one patient: total, tier, the points by rule, and the actions.
public struct PatientScore: Sendable, Equatable {
  // Index and score in 32 bits each (a million scores are held at once): 40 bytes a score instead of 56.
  private var storedPatient: Int32
  private var storedScore: Int32
  public var tier: String
  /// Rules that gave points (non-zero), in rule order.
  public var contributions: [Contribution]
  /// Actions whose condition holds: open ones and ones the extracts show done (closed).
  public var actions: [ActionOutcome]

  /// `storedScore` of a patient without a score.
  private static let noScore = Int32.min

  public init(patient: Int, score: Int?, tier: String, contributions: [Contribution], actions: [ActionOutcome]) {
    storedPatient = Int32(patient)
    storedScore = score.map { Int32(clamping: max($0, Int(Self.noScore) + 1)) } ?? Self.noScore
    self.tier = tier
    self.contributions = contributions
    self.actions = actions
  }

  /// Index of the patient in `PatientData.patients`.
  public var patient: Int {
    get { Int(storedPatient) }
    set { storedPatient = Int32(newValue) }
  }

  /// nil when the rule set's eligibility excluded the patient from scoring.
  public var score: Int? {
    get { storedScore == Self.noScore ? nil : Int(storedScore) }
    set { storedScore = newValue.map { Int32(clamping: max($0, Int(Self.noScore) + 1)) } ?? Self.noScore }
  }

  /// The labels of the (up to) `count` largest contributions, largest first, ties in rule order.
  public func topReasons(_ count: Int = 3) -> [String] {
    // The `count` best by insertion into a short list (no sort of every contribution per patient): a contribution
    // goes before the first kept one with fewer points, so equal points keep rule order.
    var top: [Int] = []
    top.reserveCapacity(count + 1)
    for i in contributions.indices {
      let points = contributions[i].points
      let at = top.firstIndex { contributions[$0].points < points } ?? top.count
      guard at < count else { continue }
      top.insert(i, at: at)
      if top.count > count { top.removeLast() }
    }
    return top.map { contributions[$0].reason }
  }

  public var openActions: [ActionOutcome] { actions.filter { !$0.closed } }
}

/// Points one rule gave one patient, and why in words.
public struct Contribution: Sendable, Equatable {
  public var ruleID: String
  public var points: Int
  /// The rule's label, with the band when it is a band rule ("ED visits in the last 6 months: 2–3").
  public var reason: String
}

/// An action the rules opened for a patient.
public struct ActionOutcome: Sendable, Equatable {
  public var actionID: String
  public var label: String
  public var due: Day
  public var priority: Int
  /// The closing condition holds: the extracts show it done.
  public var closed: Bool
}
