/// How patients moved between tiers since the previous published run, matched by patient_id.
///
/// A move is an escalation when both tiers are ranked and the new one comes earlier in the rule set (more
/// intensive), a de-escalation when it comes later. Exclusion tiers (hospice, deceased), the eligibility's
/// `otherwise` tier and tiers the rule set no longer has are not ranked: moves into or out of them are `other`.
public struct TierMovement: Codable, Equatable, Sendable {
  /// Patients in this run and in the previous one.
  public var compared: Int
  public var unchanged: Int
  public var escalated: Int
  public var deEscalated: Int
  /// Tier changes involving an unranked tier.
  public var other: Int
  /// Patients in this run only (all of them on the first run).
  public var newPatients: Int
  /// Patients in the previous run only; nil for a practice (the history does not keep a patient's practice).
  public var departedPatients: Int?
  /// Previous tier → this run's tier → patients, for the compared patients; non-zero cells only.
  public var matrix: [String: [String: Int]]
  /// This run's tier → new patients.
  public var newByTier: [String: Int]
  /// Previous tier → departed patients (empty for a practice).
  public var departedByTier: [String: Int]

  /// Compares `current` (patient_id, tier) with the previous run's tiers. `rank` gives a ranked tier's position
  /// (0 = most intensive) and nil for an unranked one. `countDeparted` is false when `current` is one practice.
  /// Patient ids are unique in `current` (ingest rejects duplicates).
  public init(
    current: some Sequence<(patientID: String, tier: String)>, previous: [String: String], rank: (String) -> Int?,
    countDeparted: Bool = true
  ) {
    var tally = Tally()
    for (id, tier) in current { tally.add(tier: tier, before: previous[id], rank: rank) }
    self.init(tally, previous: PreviousTiers(counting: previous.values), countDeparted: countDeparted)
  }

  /// The figures from a tally of every patient of the population. Departed patients (previous ids not among the
  /// compared ones) are counted by difference: the previous run's patients minus those compared, per tier.
  init(_ tally: Tally, previous: PreviousTiers, countDeparted: Bool) {
    compared = tally.compared
    unchanged = tally.unchanged
    escalated = tally.escalated
    deEscalated = tally.deEscalated
    other = tally.other
    newPatients = tally.newPatients
    matrix = [:]
    for (from, row) in zip(tally.previousTiers, tally.matrix) {
      var cells: [String: Int] = [:]
      for (to, n) in zip(tally.tiers, row) where n > 0 { cells[to, default: 0] += n }
      if !cells.isEmpty { matrix[from, default: [:]].merge(cells, uniquingKeysWith: +) }
    }
    newByTier = [:]
    for (tier, n) in zip(tally.tiers, tally.newByTier) where n > 0 { newByTier[tier, default: 0] += n }
    departedByTier = [:]
    if countDeparted {
      for (tier, n) in zip(previous.names, previous.counts) {
        let departed = n - (matrix[tier]?.values.reduce(0, +) ?? 0)
        if departed > 0 { departedByTier[tier, default: 0] += departed }
      }
      departedPatients = previous.total - compared
    } else {
      departedPatients = nil
    }
  }

  /// The counts behind a `TierMovement`, gathered patient by patient and mergeable, so that a population can be
  /// tallied in chunks on several threads and practices added up into the whole. Tiers are kept by slot (a handful
  /// of names, found by comparison) rather than hashed per patient.
  struct Tally {
    var compared = 0
    var unchanged = 0
    var escalated = 0
    var deEscalated = 0
    var other = 0
    var newPatients = 0
    /// This run's tiers by slot.
    var tiers: [String] = []
    /// Previous tiers by slot.
    var previousTiers: [String] = []
    /// [previous slot][tier slot] → compared patients.
    var matrix: [[Int]] = []
    /// [tier slot] → new patients.
    var newByTier: [Int] = []

    /// Counts one patient whose tier in the previous run was `before` (nil: not in it); returns the slot of `tier`
    /// in `tiers`.
    @discardableResult
    mutating func add(tier: String, before: String?, rank: (String) -> Int?) -> Int {
      let to = slot(tier)
      guard let before else {
        newPatients += 1
        newByTier[to] += 1
        return to
      }
      compared += 1
      let from = previousSlot(before)
      matrix[from][to] += 1
      if before == tier {
        unchanged += 1
      } else if let from = rank(before), let to = rank(tier) {
        if to < from { escalated += 1 } else { deEscalated += 1 }
      } else {
        other += 1
      }
      return to
    }

    /// Patients per tier (new and compared), tiers in slot order.
    var patientsByTier: [(tier: String, patients: Int)] {
      tiers.indices.map { t in (tiers[t], newByTier[t] + matrix.reduce(0) { $0 + $1[t] }) }
    }

    mutating func slot(_ tier: String) -> Int {
      if let i = tiers.firstIndex(of: tier) { return i }
      tiers.append(tier)
      newByTier.append(0)
      for i in matrix.indices { matrix[i].append(0) }
      return tiers.count - 1
    }

    mutating func previousSlot(_ tier: String) -> Int {
      if let i = previousTiers.firstIndex(of: tier) { return i }
      previousTiers.append(tier)
      matrix.append([Int](repeating: 0, count: tiers.count))
      return previousTiers.count - 1
    }

    mutating func merge(_ o: Tally) {
      compared += o.compared
      unchanged += o.unchanged
      escalated += o.escalated
      deEscalated += o.deEscalated
      other += o.other
      newPatients += o.newPatients
      for (t, n) in zip(o.tiers, o.newByTier) {
        let to = slot(t)
        newByTier[to] += n
      }
      for (from, row) in zip(o.previousTiers, o.matrix) {
        let f = previousSlot(from)
        for (t, n) in zip(o.tiers, row) {
          let to = slot(t)
          matrix[f][to] += n
        }
      }
    }
  }
}

/// The previous published run's tier of each patient of this run, by position, and how many patients each of its
/// tiers had: what the tier movement needs, four bytes per patient instead of a dictionary of a million ids (which
/// took about 80 MB and half a second to build and query every night after the first).
public struct PreviousTiers: Sendable {
  /// The previous run's tier names, in the order first met.
  public private(set) var names: [String] = []
  /// Per name, the previous run's patients.
  public private(set) var counts: [Int] = []
  /// Per patient position of this run, 1 + the index in `names` of its previous tier; 0 when it was not in that run.
  private var slots: [UInt32] = []

  /// No previous run.
  public init() {}

  /// The counts of the previous run's tiers, with no patient of this run matched.
  init(counting tiers: some Sequence<String>) {
    for var tier in tiers {
      tier.withUTF8 { add(tierBytes: UnsafeRawBufferPointer($0), position: nil, patientCount: 0) }
    }
  }

  /// `byID` (patient_id → tier) matched to this run's patients by `patientIDs` (in position order), as `String`s
  /// compare.
  public init(_ byID: [String: String], patientIDs: [String]) {
    self.init(counting: byID.values)
    guard !byID.isEmpty else { return }
    slots = patientIDs.map { id in byID[id].map { UInt32(names.firstIndex(of: $0)! + 1) } ?? 0 }
  }

  /// Patients of the previous run.
  public var total: Int { counts.reduce(0, +) }
  /// Whether there was no previous run (or it had no patients).
  public var isEmpty: Bool { counts.isEmpty }

  /// The previous tier of the patient at `position` in this run; nil when that patient was not in the previous run.
  @inline(__always) public func tier(of position: Int) -> String? {
    guard position < slots.count, slots[position] != 0 else { return nil }
    return names[Int(slots[position]) - 1]
  }

  /// Adds a row of the previous run: its tier (as bytes) and the position of its patient in this run (nil when the
  /// patient is not in this run).
  mutating func add(tierBytes: UnsafeRawBufferPointer, position: Int?, patientCount: Int) {
    var index = names.firstIndex { $0.utf8.elementsEqual(tierBytes) }
    if index == nil {
      index = names.count
      names.append(String(decoding: tierBytes, as: UTF8.self))
      counts.append(0)
    }
    counts[index!] += 1
    guard let position else { return }
    if slots.isEmpty { slots = [UInt32](repeating: 0, count: patientCount) }
    slots[position] = UInt32(index! + 1)
  }
}
