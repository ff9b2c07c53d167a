extension RunMetrics {
  /// How many rules `top_rules` lists.
  public static let topRuleCount = 10

  /// Computes every figure of the night. Linear in patients and rows; practices are computed from one grouping.
  public init(_ input: MetricsInput) {
    let ruleSet = input.ruleSet
    let order = Self.tierOrder(ruleSet)
    let windowCounts = input.eventTallies ?? TierUtilization.windowCounts(data: input.data, asOf: input.asOf)
    let everyone = PopulationMetrics(
      input, patients: Array(input.scores.indices), items: input.items, tierOrder: order, isPractice: false,
      windowCounts: windowCounts)
    let itemsByPractice = Dictionary(grouping: input.items, by: \.practiceID)
    var byPractice: [String: [Int]] = [:]
    for (k, score) in input.scores.enumerated() {
      byPractice[input.data.patients[score.patient].practiceID, default: []].append(k)
    }
    practices = byPractice.keys.sorted().map { practice in
      let members = byPractice[practice]!
      return PracticeMetrics(
        practiceID: practice,
        patientsWithoutCaseManager: members.filter {
          (input.data.patients[input.scores[$0].patient].caseManagerID ?? "").isEmpty
        }.count,
        figures: PopulationMetrics(
          input, patients: members, items: itemsByPractice[practice] ?? [], tierOrder: order, isPractice: true,
          windowCounts: windowCounts))
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
  /// The figures of the patients at `patients` (indices into `input.scores`), whose open items are `items`.
  /// `windowCounts` are the tallies of `TierUtilization.window(asOf:)`, per patient of `input.data`.
  init(
    _ input: MetricsInput, patients members: [Int], items: [WorklistItem], tierOrder: [String], isPractice: Bool,
    windowCounts: [EventTally]
  ) {
    let records = input.data.patients
    let scores = members.map { input.scores[$0] }
    patients = scores.count
    var tiers = Dictionary(uniqueKeysWithValues: tierOrder.map { ($0, 0) })
    for score in scores { tiers[score.tier, default: 0] += 1 }
    self.tiers = tiers
    tierChanges = TierMovement(
      current: scores.map { (records[$0.patient].id, $0.tier) }, previous: input.previousTiers,
      rank: RunMetrics.rank(input.ruleSet), countDeparted: !isPractice)
    transitionsOfCare = TransitionsOfCare(
      data: input.data, patients: scores.map(\.patient), asOf: input.asOf, calendar: input.calendar)
    utilizationByTier = TierUtilization.byTier(
      windowCounts: windowCounts, patients: scores.map { ($0.patient, $0.tier) }, tierOrder: tierOrder)
    let caseManagers = Set(scores.compactMap { records[$0.patient].caseManagerID }.filter { !$0.isEmpty })
    worklist = WorklistLoad(
      items: items,
      caseManagers: caseManagers, tiers: tierOrder, capacity: input.capacity)
    topRules = RuleFiring.top(RunMetrics.topRuleCount, scores: scores, population: scores.count, ruleSet: input.ruleSet)
  }
}
