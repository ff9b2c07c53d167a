/// The extracts a rule set is evaluated against: patients and their rows grouped per patient.
public struct PatientData: Sendable {
  public var patients: [PatientRecord]
  public var utilization: GroupedRows<UtilizationEvent>
  public var discharges: GroupedRows<DischargeRecord>

  public init(
    patients: [PatientRecord], utilization: GroupedRows<UtilizationEvent>, discharges: GroupedRows<DischargeRecord>
  ) {
    self.patients = patients
    self.utilization = utilization
    self.discharges = discharges
  }
}

/// Mutable state of one evaluation thread: which patient and which rows are current, the feature values computed
/// so far, and (for `explain`) where a null decided a comparison. Never shared between threads.
final class EvaluationContext {
  let patients: [PatientRecord]
  let events: [UtilizationEvent]
  let eventOffsets: [Int32]
  let stays: [DischargeRecord]
  let stayOffsets: [Int32]
  let asOf: Day
  let calendar: BusinessCalendar

  // The context is confined to one thread and these are read in the innermost loops of scoring, so they skip the
  // run-time exclusivity checks of class properties.
  @exclusivity(unchecked) var patient = 0
  @exclusivity(unchecked) var event = -1
  @exclusivity(unchecked) var stay = -1
  @exclusivity(unchecked) var features: [Value] = []
  /// Scoring's scratch: the rules that gave points to the current patient (rule, reason, points), and the
  /// contribution arrays already built on this thread by the rules and reasons that gave them.
  @exclusivity(unchecked) var fired: [(rule: Int, reason: Int, points: Int)] = []
  @exclusivity(unchecked) var contributionArrays: [ContributionKey: [Contribution]] = [:]
  @exclusivity(unchecked) var score: Int?
  @exclusivity(unchecked) var tier: String?
  /// When true, comparisons that met a null record it in `nullNotes` (explain only; off on the hot path).
  @exclusivity(unchecked) var tracing = false
  /// Categories of each code already looked up, per value set: codes repeat across patients, prefixes need
  /// several dictionary probes.
  @exclusivity(unchecked) var codeCategories: [[String: [Int]]] = []
  var nullNotes: [String] = []

  init(data: PatientData, asOf: Day, calendar: BusinessCalendar) {
    patients = data.patients
    events = data.utilization.rows
    eventOffsets = data.utilization.offsets
    stays = data.discharges.rows
    stayOffsets = data.discharges.offsets
    self.asOf = asOf
    self.calendar = calendar
  }

  /// Index range of the current patient's rows of one extract.
  @inline(__always) func rows(of kind: RecordKind) -> Range<Int> {
    switch kind {
    case .event: return Int(eventOffsets[patient])..<Int(eventOffsets[patient + 1])
    case .stay: return Int(stayOffsets[patient])..<Int(stayOffsets[patient + 1])
    case .patient: return patient..<(patient + 1)
    }
  }

  @inline(__always) func setCurrent(_ kind: RecordKind, _ index: Int) {
    switch kind {
    case .event: event = index
    case .stay: stay = index
    case .patient: patient = index
    }
  }

  @inline(__always) func current(_ kind: RecordKind) -> Int {
    switch kind {
    case .event: return event
    case .stay: return stay
    case .patient: return patient
    }
  }

  /// The category positions of a normalized code in value set number `index`, memoized for this thread.
  func categories(of code: String, in set: ValueSet, index: Int) -> [Int] {
    if index >= codeCategories.count {
      codeCategories += Array(repeating: [:], count: index + 1 - codeCategories.count)
    }
    if let known = codeCategories[index][code] { return known }
    let found = set.categoryPositions(ofCode: code)
    codeCategories[index][code] = found
    return found
  }

  /// What `f` gives for the current patient and rows; a null is noted under `name` when tracing (explain).
  @inline(__always) func value<T>(_ f: Fn<T>, noting name: String) -> T? {
    guard let v = f(self) else {
      if tracing { noteNull(name) }
      return nil
    }
    return v
  }

  func noteNull(_ what: String) {
    if !nullNotes.contains(what) { nullNotes.append(what) }
  }
}

/// Which rules gave points, and for which reason, packed 16 bits a rule into two words (up to 8 rules of index and
/// reason below 256): the key under which patients share one array of contributions.
struct ContributionKey: Hashable {
  var low: UInt64 = 0
  var high: UInt64 = 0

  /// nil when the rules that fired do not fit.
  init?(_ fired: [(rule: Int, reason: Int, points: Int)]) {
    guard fired.count <= 8 else { return nil }
    for (k, f) in fired.enumerated() {
      guard f.rule < 255, f.reason < 256 else { return nil }
      // Rule index + 1, so that no entry packs to zero.
      let code = UInt64((f.rule + 1) << 8 | f.reason)
      if k < 4 { low |= code << (16 * UInt64(k)) } else { high |= code << (16 * UInt64(k - 4)) }
    }
  }
}
