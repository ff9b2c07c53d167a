import Foundation

extension RunMetrics {
  /// How many rules `top_rules` lists.
  public static let topRuleCount = 10

  /// Computes every figure of the night. Linear in patients and rows: one pass over the patients (in chunks, on
  /// every core) tallies each practice, the whole population is the sum of its practices.
  public init(_ input: MetricsInput) {
    let ruleSet = input.ruleSet
    let order = Self.tierOrder(ruleSet)
    // The events' window counts are made by ingest in a run; otherwise counted from the stored rows first.
    let windowCounts = input.eventTallies ?? TierUtilization.windowCounts(data: input.data, asOf: input.asOf)
    let byPractice = PopulationTally.byPractice(input, windowCounts: windowCounts)
    // Positions, not copies of the items (a dozen strings each).
    let itemsByPractice = Dictionary(grouping: input.items.indices, by: { input.items[$0].practiceID })
    let practiceIDs = byPractice.keys.sorted()
    var sum = PopulationTally(ruleCount: ruleSet.rules.count)
    for practice in practiceIDs { sum.merge(byPractice[practice]!) }
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
            out[i] = PopulationMetrics(
              input, tally: practiceTallies[practiceIDs[i - 1]]!,
              itemPositions: itemsByPractice[practiceIDs[i - 1]] ?? [], tierOrder: order, isPractice: true)
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
  /// The figures of the patients tallied in `tally`, whose open items are those at `itemPositions` of `input.items`.
  init(
    _ input: MetricsInput, tally: PopulationTally, itemPositions: [Int], tierOrder: [String], isPractice: Bool
  ) {
    patients = tally.patients
    var tiers = Dictionary(uniqueKeysWithValues: tierOrder.map { ($0, 0) })
    for (tier, n) in tally.movement.patientsByTier { tiers[tier, default: 0] += n }
    self.tiers = tiers
    tierChanges = TierMovement(tally.movement, previous: input.previousTiers, countDeparted: !isPractice)
    transitionsOfCare = TransitionsOfCare(merging: tally.transitionsOfCare, asOf: input.asOf)
    utilizationByTier = TierUtilization.merged([Array(tally.utilization.values)], tierOrder: tierOrder)
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
/// tallied on several threads and merged; the whole population is the sum of its practices.
struct PopulationTally: Sendable {
  var patients = 0
  var withoutCaseManager = 0
  var caseManagers = Set<String>()
  var movement = TierMovement.Tally()
  /// Patients with a non-zero contribution, by rule position in the rule set.
  var rules: [Int]
  /// This run's tier → its patients and their events in `TierUtilization.window(asOf:)` (rates left nil).
  var utilization: [String: TierUtilization] = [:]
  /// The transitions of care of disjoint parts of the population (chunks with discharged patients), to be merged.
  var transitionsOfCare: [TransitionsOfCare] = []

  init(ruleCount: Int) { rules = [Int](repeating: 0, count: ruleCount) }

  mutating func merge(_ o: PopulationTally) {
    patients += o.patients
    withoutCaseManager += o.withoutCaseManager
    caseManagers.formUnion(o.caseManagers)
    movement.merge(o.movement)
    for i in rules.indices { rules[i] += o.rules[i] }
    for (tier, row) in o.utilization {
      utilization[tier, default: TierUtilization(tier: tier, patients: 0, edVisits: 0, noShows: 0, keptVisits: 0)]
        .add(row)
    }
    transitionsOfCare += o.transitionsOfCare
  }

  /// Every practice's tally, keyed by practice_id. `windowCounts`: per patient of `input.data`, the events in
  /// `TierUtilization.window(asOf:)`.
  static func byPractice(_ input: MetricsInput, windowCounts: [EventTally]) -> [String: PopulationTally] {
    let count = input.scores.count
    let chunk = 65536
    let chunks = (count + chunk - 1) / chunk
    var results = [[String: PopulationTally]](repeating: [:], count: chunks)
    results.withUnsafeMutableBufferPointer { buffer in
      nonisolated(unsafe) let out = buffer
      DispatchQueue.concurrentPerform(iterations: chunks) { c in
        out[c] = tally(input, (c * chunk)..<min(count, (c + 1) * chunk), windowCounts: windowCounts)
      }
    }
    var merged: [String: PopulationTally] = [:]
    for c in results.indices {
      for (practice, tally) in results[c] {
        merged[practice, default: PopulationTally(ruleCount: tally.rules.count)].merge(tally)
      }
      results[c] = [:]
    }
    return merged
  }

  /// The tallies of the patients at `range` of `input.scores`, by practice.
  ///
  /// Practice and case manager ids are read as bytes from the records in place and numbered (`ByteInterner`); each
  /// number is turned into a `String` once, when first seen, and grouped by `String` equality as before.
  static func tally(
    _ input: MetricsInput, _ range: Range<Int>, windowCounts: [EventTally]
  ) -> [String: PopulationTally] {
    let ruleSet = input.ruleSet
    let ruleIDs = ruleSet.rules.map(\.id)
    let ruleIndex = Dictionary(ruleIDs.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
    let rank = RunMetrics.rank(ruleSet)
    let previous = input.previousTiers
    /// One practice's counts in this chunk.
    struct Part {
      var tally: PopulationTally
      /// Case manager number → seen among the practice's patients.
      var caseManagers: [Bool] = []
      /// Per tier slot of `tally.movement`: patients, ed, no-shows, kept visits.
      var window: [(patients: Int, ed: Int, noShows: Int, kept: Int)] = []
      /// The practice's patients (indices into `input.data`) with at least one stay.
      var discharged: [Int] = []
    }
    var practices: [String] = []
    var parts: [Part] = []
    var slotOf: [String: Int] = [:]
    var practiceNumbers = ByteInterner()
    var slotOfNumber: [Int] = []
    var caseManagerNumbers = ByteInterner()
    let stayOffsets = input.data.discharges.offsets
    // Records, scores and counts read in place (a copy of each would retain and release its strings and arrays).
    input.data.patients.withUnsafeBufferPointer { records in
      input.scores.withUnsafeBufferPointer { scores in
        windowCounts.withUnsafeBufferPointer { windowCounts in
          for k in range {
            let patient = scores[k].patient
            let number = records[patient].withTextBytes(.practiceID) { bytes in
              practiceNumbers.number(bytes ?? UnsafeBufferPointer(start: nil, count: 0))
            }
            if number == slotOfNumber.count {
              let practice = practiceNumbers.string(number)
              if let known = slotOf[practice] {
                slotOfNumber.append(known)
              } else {
                slotOfNumber.append(practices.count)
                slotOf[practice] = practices.count
                practices.append(practice)
                parts.append(Part(tally: PopulationTally(ruleCount: ruleIDs.count)))
              }
            }
            let slot = slotOfNumber[number]
            let caseManager = records[patient].withTextBytes(.caseManagerID) { bytes -> Int? in
              guard let bytes, !bytes.isEmpty else { return nil }
              return caseManagerNumbers.number(bytes)
            }
            if let caseManager {
              if caseManager >= parts[slot].caseManagers.count {
                parts[slot].caseManagers += repeatElement(
                  false, count: caseManager + 1 - parts[slot].caseManagers.count)
              }
              parts[slot].caseManagers[caseManager] = true
            } else {
              parts[slot].tally.withoutCaseManager += 1
            }
            parts[slot].tally.patients += 1
            let tier = parts[slot].tally.movement.add(
              tier: scores[k].tier, before: previous.tier(of: patient), rank: rank)
            if tier == parts[slot].window.count { parts[slot].window.append((0, 0, 0, 0)) }
            let events = windowCounts[patient]
            parts[slot].window[tier].patients += 1
            parts[slot].window[tier].ed += Int(events.edVisits)
            parts[slot].window[tier].noShows += Int(events.noShows)
            parts[slot].window[tier].kept += Int(events.keptVisits)
            if stayOffsets[patient] != stayOffsets[patient + 1] { parts[slot].discharged.append(patient) }
            // Contributions come in rule order: look for each from the rule after the previous one, by comparison.
            scores[k].contributions.withUnsafeBufferPointer { contributions in
              var next = 0
              for c in contributions.indices where contributions[c].points != 0 {
                var r = next
                while r < ruleIDs.count, ruleIDs[r] != contributions[c].ruleID { r += 1 }
                if r == ruleIDs.count {
                  guard let known = ruleIndex[contributions[c].ruleID] else { continue }
                  r = known
                }
                parts[slot].tally.rules[r] += 1
                next = r + 1
              }
            }
          }
        }
      }
    }
    var tallies: [String: PopulationTally] = [:]
    for (practice, var part) in zip(practices, parts) {
      for n in part.caseManagers.indices where part.caseManagers[n] {
        part.tally.caseManagers.insert(caseManagerNumbers.string(n))
      }
      for (t, w) in part.window.enumerated() {
        let tier = part.tally.movement.tiers[t]
        part.tally.utilization[
          tier, default: TierUtilization(tier: tier, patients: 0, edVisits: 0, noShows: 0, keptVisits: 0)
        ]
        .add(TierUtilization(tier: tier, patients: w.patients, edVisits: w.ed, noShows: w.noShows, keptVisits: w.kept))
      }
      if !part.discharged.isEmpty {
        part.tally.transitionsOfCare.append(
          TransitionsOfCare(data: input.data, patients: part.discharged, asOf: input.asOf, calendar: input.calendar))
      }
      tallies[practice] = part.tally
    }
    return tallies
  }
}
