/// The open worklist items of a population: totals, per case manager against capacity, and the patients waiting on
/// each practice's unassigned list.
public struct WorklistLoad: Codable, Equatable, Sendable {
  /// Open items (one per open action per patient).
  public var items: Int
  /// Items whose due date is before the as-of date.
  public var overdue: Int
  /// Distinct patients with an open item.
  public var patients: Int
  /// Items flagged beyond their case manager's capacity.
  public var overCapacityItems: Int
  /// Every case manager of the population's patients (with or without open items), by case_manager_id.
  public var caseManagers: [CaseManagerLoad]
  /// Practices with patients on their `unassigned-<practice_id>` list, by practice_id.
  public var unassigned: [UnassignedLoad]

  /// One case manager's list.
  public struct CaseManagerLoad: Codable, Equatable, Sendable {
    public var caseManagerID: String
    public var items: Int
    public var overdue: Int
    /// Distinct patients on the list (capacity counts patients, not items).
    public var patients: Int
    /// The sum of the case manager's configured per-tier limits (tiers without a limit add nothing); nil when no
    /// tier has a limit.
    public var capacity: Int?
    /// Patients on the list beyond their tier's limit (flagged on the list, never dropped).
    public var overCapacity: Int

    // "caseManagerId" so that snake_case encoding and decoding round-trip.
    enum CodingKeys: String, CodingKey {
      case caseManagerID = "caseManagerId"
      case items, overdue, patients, capacity, overCapacity
    }
  }

  /// One practice's unassigned list.
  public struct UnassignedLoad: Codable, Equatable, Sendable {
    public var practiceID: String
    public var items: Int
    public var overdue: Int
    /// Distinct patients with open items and no case manager.
    public var patients: Int

    // "practiceId" so that snake_case encoding and decoding round-trip.
    enum CodingKeys: String, CodingKey {
      case practiceID = "practiceId"
      case items, overdue, patients
    }
  }

  /// `items` (those at `positions`, when given) belong to the population; `caseManagers` are the case_manager_ids of its patients, and
  /// `tiers` the tiers capacity is summed over.
  init(
    items: [WorklistItem], only positions: [Int]? = nil, caseManagers: Set<String>, tiers: [String],
    capacity: CaseloadCapacity
  ) {
    // One pass over the items, reading their fields in place (grouping them copied every item, a dozen strings each).
    struct ListTally {
      var items = 0
      var overdue = 0
      var patients = Set<String>()
      var overCapacityPatients = Set<String>()
    }
    var overdue = 0
    var overCapacityItems = 0
    var patients = Set<String>()
    var assigned: [String: ListTally] = [:]
    var waiting: [String: ListTally] = [:]
    items.withUnsafeBufferPointer { items in
      for i in positions ?? Array(items.indices) {
        let isOverdue = items[i].isOverdue
        if isOverdue { overdue += 1 }
        if items[i].overCapacity { overCapacityItems += 1 }
        patients.insert(items[i].patientID)
        func add(_ tally: inout ListTally) {
          tally.items += 1
          if isOverdue { tally.overdue += 1 }
          tally.patients.insert(items[i].patientID)
          if items[i].overCapacity { tally.overCapacityPatients.insert(items[i].patientID) }
        }
        if items[i].caseManagerID.isEmpty {
          add(&waiting[items[i].practiceID, default: ListTally()])
        } else {
          add(&assigned[items[i].caseManagerID, default: ListTally()])
        }
      }
    }
    self.items = positions?.count ?? items.count
    self.overdue = overdue
    self.patients = patients.count
    self.overCapacityItems = overCapacityItems
    self.caseManagers = caseManagers.union(assigned.keys).sorted().map { id in
      let list = assigned[id] ?? ListTally()
      let limits = tiers.compactMap { capacity.limit(list: id, tier: $0) }
      return CaseManagerLoad(
        caseManagerID: id, items: list.items, overdue: list.overdue, patients: list.patients.count,
        capacity: limits.isEmpty ? nil : limits.reduce(0, +), overCapacity: list.overCapacityPatients.count)
    }
    unassigned = waiting.keys.sorted().map { practice in
      let list = waiting[practice]!
      return UnassignedLoad(
        practiceID: practice, items: list.items, overdue: list.overdue, patients: list.patients.count)
    }
  }
}
