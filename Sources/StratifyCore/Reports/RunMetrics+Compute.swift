import Foundation

extension RunMetrics {
  /// How many rules `top_rules` lists.
  public static let topRuleCount = 10

  /// Computes every figure of the night. Linear in patients and rows: one pass over the patients (in chunks, on
  /// every core) tallies each practice, the whole population is the sum of its practices.
  public init(_ input: MetricsInput) {
    let ruleSet = input.ruleSet
    let order = Self.tierOrder(ruleSet)
    // The events' window counts (unless ingest counted them) and the patients' tallies are independent: computed
    // side by side.
    nonisolated(unsafe) var windowCounts: [EventTally] = input.eventTallies ?? []
    nonisolated(unsafe) var byPractice: [String: PopulationTally] = [:]
    DispatchQueue.concurrentPerform(iterations: 2) { job in
      if job == 0 {
        if input.eventTallies == nil { windowCounts = TierUtilization.windowCounts(data: input.data, asOf: input.asOf) }
      } else {
        byPractice = PopulationTally.byPractice(input)
      }
    }
    // Positions, not copies of the items (a dozen strings each).
    let itemsByPractice = Dictionary(grouping: input.items.indices, by: { input.items[$0].practiceID })
    let practiceIDs = byPractice.keys.sorted()
    var sum = PopulationTally(ruleCount: ruleSet.rules.count)
    for practice in practiceIDs { sum.merge(byPractice[practice]!, keepMembers: false) }
    let whole = sum
    let practiceTallies = byPractice
    // Each practice's figures, and the whole population's worklist load: independent, so computed on every core. The
    // whole population's other figures are its practices' added up (the practices partition the patients), not a
    // second pass over every patient.
    var figures = [PopulationMetrics?](repeating: nil, count: practiceIDs.count + 1)
    var wholeWorklist: WorklistLoad?
    withUnsafeMutablePointer(to: &wholeWorklist) { worklist in
      figures.withUnsafeMutableBufferPointer { buffer in
        nonisolated(unsafe) let out = buffer
        nonisolated(unsafe) let worklist = worklist
        DispatchQueue.concurrentPerform(iterations: practiceIDs.count + 1) { i in
          if i == 0 {
            worklist.pointee = WorklistLoad(
              items: input.items, caseManagers: whole.caseManagers, tiers: order, capacity: input.capacity)
          } else {
            let tally = practiceTallies[practiceIDs[i - 1]]!
            out[i] = PopulationMetrics(
              input, tally: tally, members: tally.members.lazy.map(Int.init),
              itemPositions: itemsByPractice[practiceIDs[i - 1]] ?? [],
              tierOrder: order, isPractice: true, windowCounts: windowCounts)
          }
        }
      }
    }
    figures[0] = PopulationMetrics(
      input, wholeTally: whole, worklist: wholeWorklist!, practices: figures.dropFirst().map { $0! }, tierOrder: order)
    let everyone = figures[0]!
    practices = practiceIDs.indices.map { k in
      PracticeMetrics(
        practiceID: practiceIDs[k], patientsWithoutCaseManager: byPractice[practiceIDs[k]]!.withoutCaseManager,
        figures: figures[k + 1]!)
    }

    schemaVersion = Self.currentSchemaVersion
    asOf = input.asOf.description
    previousRun = input.previousRun?.description
    self.ruleSet = RuleSetFigures(name: ruleSet.name, version: ruleSet.version, sha256: ruleSet.sha256)
    tierOrder = order
    let patientFile = input.inputs.first { $0.kind == .patients }
    patients = PatientCounts(
      read: patientFile?.rowsRead ?? input.scores.count, accepted: input.scores.count,
      rejected: patientFile?.rowsRejected ?? 0)
    tiers = everyone.tiers
    tierChanges = everyone.tierChanges
    transitionsOfCare = everyone.transitionsOfCare
    utilizationByTier = everyone.utilizationByTier
    worklist = everyone.worklist
    closedActionsSinceLastRun = input.closedSinceLastRun
    topRules = everyone.topRules

    rejects = Dictionary(uniqueKeysWithValues: input.inputs.map { ($0.file, 0) })
    var byReason: [String: Int] = [:]
    var byFileReason: [String: [String: Int]] = [:]
    for reject in input.rejects {
      rejects[reject.file, default: 0] += 1
      byReason[reject.category.rawValue, default: 0] += 1
      byFileReason[reject.file, default: [:]][reject.category.rawValue, default: 0] += 1
    }
    rejectsByReason = byReason
    unknownColumns = Dictionary(uniqueKeysWithValues: input.inputs.map { ($0.file, $0.unknownColumns) })
    files = input.inputs.map {
      FileQuality(
        file: $0.file, rowsRead: $0.rowsRead, rowsAccepted: $0.rowsAccepted, rowsRejected: $0.rowsRejected,
        rejectsByReason: byFileReason[$0.file] ?? [:], unknownColumns: $0.unknownColumns)
    }
    rejectThreshold = input.rejectThreshold
  }

  /// The rule set's tiers, most intensive first, with the eligibility's `otherwise` tier last.
  static func tierOrder(_ ruleSet: RuleSet) -> [String] {
    var names = ruleSet.tiers.map(\.name)
    if let other = ruleSet.eligibility?.otherwiseTier, !names.contains(other) { names.append(other) }
    return names
  }

  /// A tier's rank for escalation (0 = most intensive); nil for exclusion tiers and tiers the rule set lacks.
  static func rank(_ ruleSet: RuleSet) -> (String) -> Int? {
    let ranks = Dictionary(
      ruleSet.tiers.filter { !$0.isExclusion }.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { a, _ in a })
    return { ranks[$0] }
  }
}

extension PopulationMetrics {
  /// The figures of the patients at `members` (indices into `input.scores`) tallied in `tally`, whose open items are
  /// those at `itemPositions` of `input.items`. `windowCounts` are the tallies of `TierUtilization.window(asOf:)`, per patient of `input.data`.
  init(
    _ input: MetricsInput, tally: PopulationTally, members: some Collection<Int>, itemPositions: [Int],
    tierOrder: [String], isPractice: Bool, windowCounts: [EventTally]
  ) {
    let scores = input.scores
    patients = members.count
    var tiers = Dictionary(uniqueKeysWithValues: tierOrder.map { ($0, 0) })
    for (tier, n) in tally.movement.patientsByTier { tiers[tier, default: 0] += n }
    self.tiers = tiers
    tierChanges = TierMovement(tally.movement, previous: input.previousTiers, countDeparted: !isPractice)
    transitionsOfCare = TransitionsOfCare(
      data: input.data, patients: members.lazy.map { scores[$0].patient }, asOf: input.asOf,
      calendar: input.calendar)
    utilizationByTier = TierUtilization.byTier(
      windowCounts: windowCounts,
      patients: members.lazy.map { k -> (index: Int, tier: String) in (scores[k].patient, scores[k].tier) },
      tierOrder: tierOrder)
    worklist = WorklistLoad(
      items: input.items, only: itemPositions, caseManagers: tally.caseManagers, tiers: tierOrder,
      capacity: input.capacity)
    topRules = RuleFiring.top(
      RunMetrics.topRuleCount, counts: tally.rules, population: patients, ruleSet: input.ruleSet)
  }
}

extension PopulationMetrics {
  /// The figures of every patient of `input`, tallied in `tally`, from the figures of the disjoint practices that make
  /// up the population (`practices`) and its worklist load.
  init(
    _ input: MetricsInput, wholeTally tally: PopulationTally, worklist: WorklistLoad, practices: [PopulationMetrics],
    tierOrder: [String]
  ) {
    patients = input.scores.count
    var tiers = Dictionary(uniqueKeysWithValues: tierOrder.map { ($0, 0) })
    for (tier, n) in tally.movement.patientsByTier { tiers[tier, default: 0] += n }
    self.tiers = tiers
    tierChanges = TierMovement(tally.movement, previous: input.previousTiers, countDeparted: true)
    transitionsOfCare = TransitionsOfCare(merging: practices.map(\.transitionsOfCare), asOf: input.asOf)
    utilizationByTier = TierUtilization.merged(practices.map(\.utilizationByTier), tierOrder: tierOrder)
    self.worklist = worklist
    topRules = RuleFiring.top(
      RunMetrics.topRuleCount, counts: tally.rules, population: patients, ruleSet: input.ruleSet)
  }
}

/// What the figures of one population need from a pass over its patients, mergeable: chunks of patients are
/// tallied on several threads and merged in patient order; the whole population is the sum of its practices.
struct PopulationTally: Sendable {
  /// Indices into `MetricsInput.scores`, in order (32 bits each: a million of them are held at once).
  var members: [Int32] = []
  var withoutCaseManager = 0
  var caseManagers = Set<String>()
  var movement = TierMovement.Tally()
  /// Patients with a non-zero contribution, by rule position in the rule set.
  var rules: [Int]

  init(ruleCount: Int) { rules = [Int](repeating: 0, count: ruleCount) }

  mutating func merge(_ o: PopulationTally, keepMembers: Bool = true) {
    if keepMembers { members.append(contentsOf: o.members) }
    withoutCaseManager += o.withoutCaseManager
    caseManagers.formUnion(o.caseManagers)
    movement.merge(o.movement)
    for i in rules.indices { rules[i] += o.rules[i] }
  }

  /// Every practice's tally, keyed by practice_id.
  static func byPractice(_ input: MetricsInput) -> [String: PopulationTally] {
    let count = input.scores.count
    let chunk = 65536
    let chunks = (count + chunk - 1) / chunk
    var results = [[String: PopulationTally]](repeating: [:], count: chunks)
    results.withUnsafeMutableBufferPointer { buffer in
      nonisolated(unsafe) let out = buffer
      DispatchQueue.concurrentPerform(iterations: chunks) { c in
        out[c] = tally(input, (c * chunk)..<min(count, (c + 1) * chunk))
      }
    }
    // Each practice's members gathered into one array of the right size (grown by appending, it could hold twice).
    var memberCounts: [String: Int] = [:]
    for part in results {
      for (practice, tally) in part { memberCounts[practice, default: 0] += tally.members.count }
    }
    var merged: [String: PopulationTally] = [:]
    for c in results.indices {
      for (practice, tally) in results[c] {
        if merged[practice] == nil {
          merged[practice] = PopulationTally(ruleCount: tally.rules.count)
          merged[practice]!.members.reserveCapacity(memberCounts[practice]!)
        }
        merged[practice]!.merge(tally)
      }
      results[c] = [:]
    }
    return merged
  }

  /// The tallies of the patients at `range` of `input.scores`, by practice.
  static func tally(_ input: MetricsInput, _ range: Range<Int>) -> [String: PopulationTally] {
    let ruleSet = input.ruleSet
    let ruleIDs = ruleSet.rules.map(\.id)
    let ruleIndex = Dictionary(ruleIDs.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
    let rank = RunMetrics.rank(ruleSet)
    let previous = input.previousTiers
    var practices: [String] = []
    var tallies: [PopulationTally] = []
    var slotOf: [String: Int] = [:]
    var lastPractice: String?
    var slot = 0
    // Records and scores read in place (a copy of each would retain and release its strings and arrays).
    input.data.patients.withUnsafeBufferPointer { records in
      input.scores.withUnsafeBufferPointer { scores in
        for k in range {
          let patient = scores[k].patient
          let practice = records[patient].practiceID
          if practice != lastPractice {
            // A handful of practices, in no particular order: found by comparison while they are few.
            if practices.count <= 8, let known = practices.firstIndex(of: practice) {
              slot = known
            } else if practices.count > 8, let known = slotOf[practice] {
              slot = known
            } else {
              slot = practices.count
              practices.append(practice)
              tallies.append(PopulationTally(ruleCount: ruleIDs.count))
              slotOf[practice] = slot
            }
            lastPractice = practice
          }
          tallies[slot].add(
            k, scores[k], caseManager: records[patient].caseManagerID, patientID: records[patient].id,
            previous: previous, rank: rank, ruleIDs: ruleIDs, ruleIndex: ruleIndex)
        }
      }
    }
    return Dictionary(uniqueKeysWithValues: zip(practices, tallies))
  }

  mutating func add(
    _ k: Int, _ score: PatientScore, caseManager: String?, patientID: String, previous: [String: String],
    rank: (String) -> Int?, ruleIDs: [String], ruleIndex: [String: Int]
  ) {
    members.append(Int32(k))
    if let caseManager, !caseManager.isEmpty {
      caseManagers.insert(caseManager)
    } else {
      withoutCaseManager += 1
    }
    movement.add(patientID: patientID, tier: score.tier, previous: previous, rank: rank)
    // Contributions come in rule order: look for each from the rule after the previous one, by comparison.
    var next = 0
    for contribution in score.contributions where contribution.points != 0 {
      var r = next
      while r < ruleIDs.count, ruleIDs[r] != contribution.ruleID { r += 1 }
      if r == ruleIDs.count {
        guard let known = ruleIndex[contribution.ruleID] else { continue }
        r = known
      }
      rules[r] += 1
      next = r + 1
    }
  }
}
