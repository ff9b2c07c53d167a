/// Turns scores into ordered worklists: one item per open action per patient, assigned to the patient's case
/// manager or to the practice's `unassigned` list, with status against the previous run and capacity flags.
public struct WorklistBuilder: Sendable {
  public var ruleSet: RuleSet
  public var asOf: Day
  public var capacity: CaseloadCapacity

  public init(ruleSet: RuleSet, asOf: Day, capacity: CaseloadCapacity = CaseloadCapacity()) {
    self.ruleSet = ruleSet
    self.asOf = asOf
    self.capacity = capacity
  }

  /// The unassigned list of a practice.
  public static func unassignedList(practice: String) -> String { "unassigned-\(practice)" }

  public func build(scores: [PatientScore], patients: [PatientRecord], previous: PreviousWorklist) -> [WorklistItem] {
    let rank = Dictionary(ruleSet.tiers.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { a, _ in a })
    var items: [WorklistItem] = []
    for k in scores.indices {
      // Most patients have no open action: skip them before copying their score, reading their record or ranking
      // their reasons.
      guard let score = scores[k].score, scores[k].actions.contains(where: { !$0.closed }) else { continue }
      let s = scores[k]
      let p = patients[s.patient]
      let tierRank = rank[s.tier] ?? ruleSet.tiers.count
      let reasons = s.topReasons(3)
      let caseManager = p.caseManagerID ?? ""
      let list = caseManager.isEmpty ? Self.unassignedList(practice: p.practiceID) : caseManager
      for action in s.actions where !action.closed {
        let before = previous.open[PreviousWorklist.key(patient: p.id, action: action.actionID)]
        let status: WorklistItem.Status
        switch before {
        case nil: status = .new
        case let b? where tierRank < b.tierRank: status = .escalated
        case let b? where tierRank > b.tierRank: status = .deescalated
        default: status = .carried
        }
        let openedOn = before?.openedOn ?? asOf
        items.append(
          WorklistItem(
            list: list, caseManagerID: caseManager, patientID: p.id, action: action.actionID,
            actionLabel: action.label, priority: action.priority, due: action.due, daysUntilDue: action.due - asOf,
            tier: s.tier, tierRank: tierRank, score: score, firstName: p.firstName ?? "", lastName: p.lastName ?? "",
            phone: p.phone ?? "", practiceID: p.practiceID, pcpID: p.pcpID ?? "", reasons: reasons, status: status,
            openedOn: openedOn, daysOnList: max(0, asOf - openedOn), overCapacity: false))
      }
    }
    // Sort positions, not the items (large values), by a key of plain integers for the leading criteria (the list's
    // rank among the lists, overdue, due, tier, score), then `precedes`'s remaining criteria: the same order.
    var assigned = Set<String>()
    var unassigned = Set<String>()
    for item in items {
      if item.caseManagerID.isEmpty { unassigned.insert(item.list) } else { assigned.insert(item.list) }
    }
    let assignedRank = Dictionary(
      uniqueKeysWithValues: assigned.sorted { $0.utf8Precedes($1) }.enumerated().map { ($1, $0) })
    let unassignedRank = Dictionary(
      uniqueKeysWithValues: unassigned.sorted { $0.utf8Precedes($1) }.enumerated().map { ($1, assigned.count + $0) })
    let keys = items.map { item in
      SortKey(
        list: item.caseManagerID.isEmpty ? unassignedRank[item.list]! : assignedRank[item.list]!,
        overdue: item.isOverdue ? 0 : 1, due: Int(item.due.number), tierRank: item.tierRank, score: -item.score)
    }
    let order = items.withUnsafeBufferPointer { items in
      keys.withUnsafeBufferPointer { keys in
        items.indices.sorted { a, b in
          let (x, y) = (keys[a], keys[b])
          if x != y { return x < y }
          // Equal keys: same list, overdue, due, tier and score; `precedes` goes on with patient_id, priority, action
          // (read in place: a copy of each item would retain and release its strings).
          if items[a].patientID != items[b].patientID { return items[a].patientID.utf8Precedes(items[b].patientID) }
          if items[a].priority != items[b].priority { return items[a].priority < items[b].priority }
          return items[a].action.utf8Precedes(items[b].action)
        }
      }
    }
    items = order.map { items[$0] }
    flagCapacity(&items)
    return items
  }

  /// List order: by list (case managers, then unassigned lists), then overdue first, due date, tier (most
  /// intensive first), score (high first), patient_id, and for one patient the action priority and id.
  public static func precedes(_ a: WorklistItem, _ b: WorklistItem) -> Bool {
    let aUnassigned = a.caseManagerID.isEmpty
    let bUnassigned = b.caseManagerID.isEmpty
    if aUnassigned != bUnassigned { return !aUnassigned }
    if a.list != b.list { return a.list.utf8.lexicographicallyPrecedes(b.list.utf8) }
    if a.isOverdue != b.isOverdue { return a.isOverdue }
    if a.due != b.due { return a.due < b.due }
    if a.tierRank != b.tierRank { return a.tierRank < b.tierRank }
    if a.score != b.score { return a.score > b.score }
    if a.patientID != b.patientID { return a.patientID.utf8Precedes(b.patientID) }
    if a.priority != b.priority { return a.priority < b.priority }
    return a.action.utf8.lexicographicallyPrecedes(b.action.utf8)
  }

  /// The leading criteria of `precedes` as integers, compared in this order (smaller first).
  struct SortKey: Equatable, Comparable {
    var list: Int
    var overdue: Int
    var due: Int
    var tierRank: Int
    var score: Int

    static func < (a: SortKey, b: SortKey) -> Bool {
      (a.list, a.overdue, a.due, a.tierRank, a.score) < (b.list, b.overdue, b.due, b.tierRank, b.score)
    }
  }

  /// Flags the patients beyond a list's capacity for their tier, in list order (the most urgent stay within).
  func flagCapacity(_ items: inout [WorklistItem]) {
    // Patients seen so far per (list, tier), updated in place: copying the set out and back for each item made a
    // large list (a practice's unassigned patients under a default limit) quadratic.
    var seen: [String: [String: Set<String>]] = [:]
    for i in items.indices {
      let (list, tier) = (items[i].list, items[i].tier)
      guard let limit = capacity.limit(list: list, tier: tier) else { continue }
      seen[list, default: [:]][tier, default: []].insert(items[i].patientID)
      items[i].overCapacity = seen[list]![tier]!.count > limit
    }
  }
}
