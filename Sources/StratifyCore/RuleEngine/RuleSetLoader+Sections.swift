import Foundation
import Yams

extension RuleSetLoader {
  /// `value_sets:` — `name: file.csv` or `name: { file: …, weights: {category: n}, hierarchy: {milder: severe} }`.
  mutating func loadValueSets(_ node: Node) {
    guard let mapping = node.mapping else {
      source.error(node, "'value_sets' must map names to CSV files")
      return
    }
    for (keyNode, value) in mapping {
      let name = keyNode.string ?? ""
      var fileNode: Node = value
      var weightsNode: Node?
      var hierarchyNode: Node?
      if value.mapping != nil {
        guard
          let entries = source.entries(
            value, of: "value set '\(name)'", allowed: ["file", "weights", "hierarchy"], required: ["file"])
        else { continue }
        guard let f = entries.first(where: { $0.key == "file" })?.value else { continue }
        fileNode = f
        weightsNode = entries.first { $0.key == "weights" }?.value
        hierarchyNode = entries.first { $0.key == "hierarchy" }?.value
      }
      guard let file = source.string(fileNode, "the file of value set '\(name)'") else { continue }
      guard var set = readValueSet(name: name, file: file, node: fileNode) else { continue }
      if let weightsNode {
        if let m = weightsNode.mapping {
          for (k, v) in m {
            let category = k.string ?? ""
            guard set.categories.contains(category) else {
              source.error(
                k,
                "value set '\(name)' has no category '\(category)'\(DidYouMean.hint(for: category, among: set.categories))"
              )
              continue
            }
            if let w = source.int(v, "the weight of '\(category)'") { set.weights[category] = w }
          }
        } else {
          source.error(weightsNode, "'weights' must map categories to whole numbers")
        }
      }
      if let hierarchyNode {
        if let m = hierarchyNode.mapping {
          for (k, v) in m {
            let milder = k.string ?? ""
            let severe = v.string ?? ""
            for (n, c) in [(k, milder), (v, severe)] where !set.categories.contains(c) {
              source.error(
                n, "value set '\(name)' has no category '\(c)'\(DidYouMean.hint(for: c, among: set.categories))")
            }
            set.hierarchy.append(ValueSet.Hierarchy(milder: milder, severe: severe))
          }
        } else {
          source.error(hierarchyNode, "'hierarchy' must map a milder category to its severe form (diab: diabwc)")
        }
      }
      env.valueSets.append(set)
    }
  }

  /// Reads a value-set CSV: a header with `code` and optionally `category` and `label`; codes are ICD-10 prefixes.
  mutating func readValueSet(name: String, file: String, node: Node) -> ValueSet? {
    if let known = preloadedValueSets[file] {
      return ValueSet(name: name, file: file, prefixes: known.prefixes, categories: known.categories)
    }
    let path = file.hasPrefix("/") ? file : (directory as NSString).appendingPathComponent(file)
    guard FileManager.default.fileExists(atPath: path) else {
      source.error(node, "value set file '\(file)' not found (looked for \(path))")
      return nil
    }
    var prefixes: [String: [String]] = [:]
    var categories: [String] = []
    var codeColumn = -1
    var categoryColumn = -1
    var problem: String?
    do {
      _ = try CSVReader(path: path).read { record in
        if problem != nil { return }
        if codeColumn < 0 {
          let header = record.strings.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
          guard let c = header.firstIndex(of: "code") else {
            problem = "\(file):\(record.line): the header needs a 'code' column, found \(header.joined(separator: ","))"
            return
          }
          codeColumn = c
          categoryColumn = header.firstIndex(of: "category") ?? -1
          return
        }
        guard record.count > max(codeColumn, categoryColumn) else {
          problem =
            "\(file):\(record.line): expected at least \(max(codeColumn, categoryColumn) + 1) fields, found \(record.count)"
          return
        }
        let code = ValueSet.normalize(record.string(at: codeColumn))
        guard !code.isEmpty, code.unicodeScalars.allSatisfy({ CharacterSet.alphanumerics.contains($0) }) else {
          problem = "\(file):\(record.line): '\(record.string(at: codeColumn))' is not an ICD-10 code prefix"
          return
        }
        let category = categoryColumn >= 0 ? record.string(at: categoryColumn).trimmingCharacters(in: .whitespaces) : ""
        if !categories.contains(category) { categories.append(category) }
        if !(prefixes[code]?.contains(category) ?? false) { prefixes[code, default: []].append(category) }
      }
      hashInput.append(contentsOf: Array((try? Data(contentsOf: URL(fileURLWithPath: path))) ?? Data()))
    } catch {
      problem = "\(file): \(error)"
    }
    if codeColumn < 0 && problem == nil { problem = "\(file) is empty; it needs a header with a 'code' column" }
    if let problem {
      source.error(node, "malformed value set '\(name)': \(problem)")
      return nil
    }
    return ValueSet(name: name, file: file, prefixes: prefixes, categories: categories.filter { !$0.isEmpty })
  }

  /// `features:` — `name: expression`, each able to use the ones above it.
  mutating func loadFeatures(_ node: Node) -> [FeatureDefinition] {
    guard let mapping = node.mapping else {
      source.error(node, "'features' must map feature names to expressions")
      return []
    }
    var features: [FeatureDefinition] = []
    let reserved = ["as_of", "patient", "score", "tier", "utilization", "discharges"]
    let fieldNames = Set(RecordSchema.eventFields.map(\.name) + RecordSchema.stayFields.map(\.name))
    for (keyNode, value) in mapping {
      let name = keyNode.string ?? ""
      guard name.first.map({ $0.isLetter || $0 == "_" }) ?? false,
        name.unicodeScalars.allSatisfy({ $0 == "_" || CharacterSet.alphanumerics.contains($0) })
      else {
        source.error(keyNode, "feature name '\(name)' must be letters, digits and underscores")
        continue
      }
      if reserved.contains(name) || env.valueSets.contains(where: { $0.name == name }) {
        source.error(keyNode, "feature name '\(name)' is already the name of something else; choose another")
        env.brokenFeatures.insert(name)
        continue
      }
      if fieldNames.contains(name) {
        source.error(
          keyNode,
          "feature name '\(name)' is also a field of utilization events or stays, which would make filters ambiguous; choose another"
        )
        env.brokenFeatures.insert(name)
        continue
      }
      guard let e = expression(value, "feature '\(name)'") else {
        env.brokenFeatures.insert(name)
        continue
      }
      if case .valueSet = e.typed.code {
        source.error(value, "feature '\(name)' must be a value, not a value set")
        continue
      }
      if case .extract = e.typed.code {
        source.error(
          value,
          "feature '\(name)' must be a value; use count(\(e.text), …) or latest(\(e.text)) to look into an extract")
        continue
      }
      env.features[name] = (features.count, e.type, e.nullable)
      features.append(FeatureDefinition(name: name, expression: e))
    }
    return features
  }

  /// `eligibility:` — patients for whom `when` is false are not scored: empty score, tier `otherwise`.
  mutating func loadEligibility(_ node: Node) -> Eligibility? {
    guard
      let e = source.entries(
        node, of: "'eligibility'", allowed: ["when", "otherwise"], required: ["when", "otherwise"]),
      let whenNode = e.first(where: { $0.key == "when" })?.value,
      let otherwiseNode = e.first(where: { $0.key == "otherwise" })?.value,
      let tier = source.string(otherwiseNode, "'otherwise'"),
      let cond = condition(whenNode, "the 'when' of 'eligibility'")
    else { return nil }
    return Eligibility(condition: cond, otherwiseTier: tier)
  }

  /// `scoring:` — points rules and band rules; ids unique; bands without gaps or overlaps.
  mutating func loadRules(_ node: Node) -> [ScoringRule] {
    guard let items = source.sequence(node, "'scoring'") else { return [] }
    var rules: [ScoringRule] = []
    var ids = Set<String>()
    for item in items {
      guard
        let entries = source.entries(
          item, of: "a scoring rule", allowed: ["id", "label", "when", "points", "bands", "source", "description"],
          required: ["id", "label"])
      else { continue }
      var field: [String: Node] = [:]
      for e in entries { field[e.key] = e.value }
      guard let idNode = field["id"], let id = identifier(idNode, "rule id", seen: &ids) else { continue }
      let label = field["label"].flatMap { source.string($0, "'label'") } ?? id
      if let bandsNode = field["bands"] {
        for k in ["when", "points"] where field[k] != nil {
          source.error(field[k], "rule '\(id)' has 'bands', so it takes no '\(k)' (each band has its points)")
        }
        if let rule = loadBands(bandsNode, id: id, label: label, location: source.location(item)) {
          rules.append(rule)
        } else {
          brokenIDs.insert(id)
        }
        continue
      }
      guard let whenNode = field["when"], let pointsNode = field["points"] else {
        source.error(item, "rule '\(id)' needs 'when' and 'points', or 'bands'")
        continue
      }
      guard let when = condition(whenNode, "the 'when' of rule '\(id)'"),
        let points = source.int(pointsNode, "the points of rule '\(id)'"), checkPoints(points, at: pointsNode)
      else {
        brokenIDs.insert(id)
        continue
      }
      rules.append(
        ScoringRule(id: id, label: label, location: source.location(item), kind: .points(when: when, points: points)))
    }
    return rules
  }

  /// Points of a rule or band, at most `RuleSet.maxPoints` either way (so that any total fits the 32 bits a
  /// score is kept in); false after reporting a value outside.
  mutating func checkPoints(_ points: Int, at node: Node) -> Bool {
    guard abs(points) > RuleSet.maxPoints else { return true }
    source.error(node, "points must be between -\(RuleSet.maxPoints) and \(RuleSet.maxPoints), found \(points)")
    return false
  }

  /// `bands: { of: expression, ranges: [ {at_least|at_most|equals|from+to, points, label} … ] }`.
  mutating func loadBands(_ node: Node, id: String, label: String, location: SourceLocation) -> ScoringRule? {
    guard
      let entries = source.entries(
        node, of: "the bands of '\(id)'", allowed: ["of", "ranges"], required: ["of", "ranges"]),
      let ofNode = entries.first(where: { $0.key == "of" })?.value,
      let rangesNode = entries.first(where: { $0.key == "ranges" })?.value
    else { return nil }
    guard let of = expression(ofNode, "the 'of' of rule '\(id)'") else { return nil }
    guard of.type == .int else {
      source.error(at: of.location, "bands need a whole number to sort into ranges; '\(of.text)' is a \(of.type)")
      return nil
    }
    guard let items = source.sequence(rangesNode, "'ranges'") else { return nil }
    var bands: [Band] = []
    for item in items {
      guard
        let e = source.entries(
          item, of: "a band", allowed: ["at_least", "at_most", "equals", "from", "to", "points", "label"],
          required: ["points"])
      else { continue }
      var v: [String: Int] = [:]
      var ok = true
      for entry in e where entry.key != "label" {
        if let n = source.int(entry.value, "'\(entry.key)'") { v[entry.key] = n } else { ok = false }
      }
      guard ok, let points = v["points"], checkPoints(points, at: e.first { $0.key == "points" }!.value) else {
        continue
      }
      let bandLabel = e.first { $0.key == "label" }.flatMap { source.string($0.value, "'label'") }
      var lower: Int?
      var upper: Int?
      let keys = Set(v.keys).subtracting(["points"])
      switch keys {
      case ["at_least"]: lower = v["at_least"]
      case ["at_most"]: upper = v["at_most"]
      case ["equals"]: (lower, upper) = (v["equals"], v["equals"])
      case ["from", "to"]:
        (lower, upper) = (v["from"], v["to"])
        if lower! > upper! {
          source.error(item, "band 'from: \(lower!)' is above its 'to: \(upper!)'")
          continue
        }
      case ["at_least", "at_most"]: (lower, upper) = (v["at_least"], v["at_most"])
      default:
        source.error(item, "a band needs one of: 'at_least', 'at_most', 'equals', or 'from' with 'to'")
        continue
      }
      bands.append(Band(lower: lower, upper: upper, points: points, label: bandLabel, location: source.location(item)))
    }
    checkBands(bands, id: id)
    return ScoringRule(id: id, label: label, location: location, kind: .bands(of: of, bands: bands))
  }

  /// Bands must not overlap (a value would fit two) nor leave holes between them (a value would fit none).
  mutating func checkBands(_ bands: [Band], id: String) {
    let sorted = bands.sorted { ($0.lower ?? Int.min) < ($1.lower ?? Int.min) }
    for (a, b) in zip(sorted, sorted.dropFirst()) {
      let aUpper = a.upper ?? Int.max
      let bLower = b.lower ?? Int.min
      if bLower <= aUpper {
        source.error(at: b.location, "band \(b.rangeText) of rule '\(id)' overlaps band \(a.rangeText)")
      } else if bLower > aUpper + 1 {
        let gap = aUpper + 1 == bLower - 1 ? "\(aUpper + 1)" : "\(aUpper + 1)–\(bLower - 1)"
        source.error(
          at: b.location,
          "bands of rule '\(id)' leave a gap: no band for \(gap) (between \(a.rangeText) and \(b.rangeText))")
      }
    }
  }

  /// `tiers:` — first match wins; the last is the catch-all (no 'when', no 'min_score').
  mutating func loadTiers(_ node: Node) -> [TierDefinition] {
    guard let items = source.sequence(node, "'tiers'") else { return [] }
    var tiers: [TierDefinition] = []
    var names = Set<String>()
    for item in items {
      guard
        let e = source.entries(
          item, of: "a tier", allowed: ["name", "label", "when", "min_score", "exclusion", "description"],
          required: ["name"])
      else { continue }
      var field: [String: Node] = [:]
      for entry in e { field[entry.key] = entry.value }
      guard let nameNode = field["name"], let name = identifier(nameNode, "tier name", seen: &names) else { continue }
      let label = field["label"].flatMap { source.string($0, "'label'") } ?? name
      let minScore = field["min_score"].flatMap { source.int($0, "'min_score'") }
      let cond = field["when"].flatMap { condition($0, "the 'when' of tier '\(name)'", allowScore: true) }
      let exclusion = field["exclusion"].flatMap { source.bool($0, "'exclusion'") } ?? false
      tiers.append(
        TierDefinition(
          name: name, label: label, minScore: minScore, condition: cond, isExclusion: exclusion,
          location: source.location(item)))
    }
    if let last = tiers.last, !last.isCatchAll {
      source.error(
        at: last.location,
        "the last tier '\(last.name)' must be a catch-all (no 'when' and no 'min_score'), so every patient gets a tier")
    }
    for tier in tiers.dropLast() where tier.isCatchAll {
      source.error(
        at: tier.location, "tier '\(tier.name)' matches everyone, so the tiers below it can never be reached")
    }
    if tiers.isEmpty { source.error(node, "'tiers' needs at least one tier") }
    return tiers
  }

  /// `actions:` — id, label, when, due (a date), priority, closed_when.
  mutating func loadActions(_ node: Node) -> [ActionDefinition] {
    guard let items = source.sequence(node, "'actions'") else { return [] }
    var actions: [ActionDefinition] = []
    var ids = Set<String>()
    for item in items {
      guard
        let e = source.entries(
          item, of: "an action", allowed: ["id", "label", "when", "due", "priority", "closed_when", "description"],
          required: ["id", "label", "when", "due"])
      else { continue }
      var field: [String: Node] = [:]
      for entry in e { field[entry.key] = entry.value }
      guard let idNode = field["id"], let id = identifier(idNode, "action id", seen: &ids) else { continue }
      let label = field["label"].flatMap { source.string($0, "'label'") } ?? id
      let priority = field["priority"].flatMap { source.int($0, "'priority'") } ?? 3
      guard let whenNode = field["when"], let dueNode = field["due"] else { continue }
      let when = condition(whenNode, "the 'when' of action '\(id)'", allowScore: true, allowTier: true)
      let due = expression(dueNode, "the 'due' of action '\(id)'", allowScore: true, allowTier: true)
      if let due, due.type != .date {
        source.error(at: due.location, "the 'due' of action '\(id)' must be a date, but this is a \(due.type)")
        continue
      }
      let closed = field["closed_when"].flatMap {
        condition($0, "the 'closed_when' of action '\(id)'", allowScore: true, allowTier: true)
      }
      guard let when, let due else {
        brokenIDs.insert(id)
        continue
      }
      actions.append(
        ActionDefinition(
          id: id, label: label, condition: when, due: due, priority: priority, closedWhen: closed,
          location: source.location(item)))
    }
    return actions
  }
}
