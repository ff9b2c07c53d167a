import Foundation
import Yams

extension RuleSetLoader {
  /// `tests:` — each `{ name, as_of, given: { patient, utilization, discharges }, expect: {…} }`.
  mutating func loadTests(
    _ node: Node, tiers: [String], rules: [ScoringRule], actions: [ActionDefinition], features: [FeatureDefinition]
  ) -> [RuleTestCase] {
    guard let items = source.sequence(node, "'tests'") else { return [] }
    var tests: [RuleTestCase] = []
    var names = Set<String>()
    for item in items {
      guard
        let e = source.entries(
          item, of: "a test", allowed: ["name", "as_of", "given", "expect"],
          required: ["name", "as_of", "given", "expect"])
      else { continue }
      var field: [String: Node] = [:]
      for entry in e { field[entry.key] = entry.value }
      guard let nameNode = field["name"], let name = source.string(nameNode, "the test name"),
        let asOfNode = field["as_of"], let givenNode = field["given"], let expectNode = field["expect"]
      else { continue }
      if !names.insert(name).inserted { source.error(nameNode, "duplicate test name '\(name)'") }
      guard let asOf = date(asOfNode, "'as_of'") else { continue }
      guard let given = loadGiven(givenNode) else { continue }
      guard let expect = loadExpectation(expectNode, tiers: tiers, rules: rules, actions: actions, features: features)
      else { continue }
      tests.append(
        RuleTestCase(
          name: name, location: source.location(item), asOf: asOf, patient: given.0, utilization: given.1,
          discharges: given.2, expect: expect))
    }
    return tests
  }

  mutating func date(_ node: Node, _ what: String) -> Day? {
    guard let text = source.string(node, what), let day = Day(iso: text.trimmingCharacters(in: .whitespaces)) else {
      source.error(node, "\(what) must be a date YYYY-MM-DD")
      return nil
    }
    return day
  }

  mutating func optionalText(_ node: Node?, _ what: String) -> String? {
    guard let node, let text = source.string(node, what) else { return nil }
    return text.isEmpty || text == "~" || text == "null" ? nil : text
  }

  /// A list given as `"a;b"` or as a YAML list.
  mutating func list(_ node: Node, _ what: String) -> [String] {
    // An item that is a list or a mapping is an error, not dropped.
    if let seq = node.sequence { return seq.compactMap { source.string($0, "an item of \(what)") } }
    guard let text = source.string(node, what) else { return [] }
    return text.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
  }

  /// A list column of the test patient: a string is split and normalized exactly as the extract's field would be
  /// (`parse`), a YAML list item by item (`normalize`).
  mutating func extractList(
    _ node: Node, _ what: String, _ parse: (UnsafeBufferPointer<UInt8>) -> [String], _ normalize: (String) -> String
  ) -> [String] {
    guard node.sequence == nil else { return list(node, what).map(normalize) }
    guard var text = source.string(node, what) else { return [] }
    return text.withUTF8 { parse($0) }
  }

  mutating func loadGiven(_ node: Node) -> (PatientRecord, [UtilizationEvent], [DischargeRecord])? {
    guard let e = source.entries(node, of: "'given'", allowed: ["patient", "utilization", "discharges"]) else {
      return nil
    }
    var patient = PatientRecord(id: "TEST", birthDate: Day(year: 1970, month: 1, day: 1)!, practiceID: "TEST")
    var events: [UtilizationEvent] = []
    var stays: [DischargeRecord] = []
    var ok = true
    for entry in e {
      switch entry.key {
      case "patient":
        let columns = ExtractKind.patients.columns.map(\.name)
        guard let fields = source.entries(entry.value, of: "the test patient", allowed: columns) else {
          ok = false
          continue
        }
        for f in fields {
          let v = f.value
          switch f.key {
          case "patient_id": patient.id = optionalText(v, f.key) ?? "TEST"
          case "first_name": patient.firstName = optionalText(v, f.key)
          case "last_name": patient.lastName = optionalText(v, f.key)
          case "birth_date": if let d = date(v, "'birth_date'") { patient.birthDate = d } else { ok = false }
          case "sex": patient.sex = optionalText(v, f.key)
          case "phone": patient.phone = optionalText(v, f.key)
          case "practice_id": patient.practiceID = optionalText(v, f.key) ?? "TEST"
          case "pcp_id": patient.pcpID = optionalText(v, f.key)
          case "case_manager_id": patient.caseManagerID = optionalText(v, f.key)
          case "payer": patient.payer = optionalText(v, f.key)
          case "conditions": patient.conditions = extractList(v, f.key, FieldBytes.codes, ValueSet.normalize)
          case "medication_count":
            if optionalText(v, f.key) != nil {
              if let n = source.int(v, "'medication_count'"), n >= 0 { patient.medicationCount = n } else { ok = false }
            }
          case "social_needs": patient.socialNeeds = extractList(v, f.key, FieldBytes.list) { $0.lowercased() }
          case "hospice":
            if optionalText(v, f.key) != nil {
              if let b = source.bool(v, "'hospice'") { patient.hospice = b } else { ok = false }
            }
          case "deceased_date":
            if optionalText(v, f.key) != nil {
              if let d = date(v, "'deceased_date'") { patient.deceasedDate = d } else { ok = false }
            }
          default: break
          }
        }
      case "utilization":
        guard let rows = source.sequence(entry.value, "'utilization'") else {
          ok = false
          continue
        }
        for row in rows {
          guard
            let fields = source.entries(
              row, of: "a utilization event", allowed: ["event_date", "event_type", "provider_id", "primary_dx"],
              required: ["event_date", "event_type"])
          else {
            ok = false
            continue
          }
          var eventDate: Day?
          var type: EventType?
          var provider: String?
          var dx: String?
          for f in fields {
            switch f.key {
            case "event_date": eventDate = date(f.value, "'event_date'")
            case "event_type": type = enumValue(f.value, "event_type", EventType.self)
            case "provider_id": provider = optionalText(f.value, f.key)
            default: dx = optionalText(f.value, f.key).map(ValueSet.normalize)
            }
          }
          guard let eventDate, let type else {
            ok = false
            continue
          }
          events.append(UtilizationEvent(date: eventDate, type: type, providerID: provider, primaryDx: dx))
        }
      default:
        guard let rows = source.sequence(entry.value, "'discharges'") else {
          ok = false
          continue
        }
        for row in rows {
          guard
            let fields = source.entries(
              row, of: "a discharge",
              allowed: [
                "encounter_id", "admit_date", "discharge_date", "facility", "admit_type", "disposition", "primary_dx",
              ],
              required: ["admit_date", "discharge_date"])
          else {
            ok = false
            continue
          }
          var stay = DischargeRecord(admitDate: Day(number: 0), dischargeDate: Day(number: 0))
          for f in fields {
            switch f.key {
            case "encounter_id": stay.encounterID = optionalText(f.value, f.key)
            case "admit_date": if let d = date(f.value, "'admit_date'") { stay.admitDate = d } else { ok = false }
            case "discharge_date":
              if let d = date(f.value, "'discharge_date'") { stay.dischargeDate = d } else { ok = false }
            case "facility": stay.facility = optionalText(f.value, f.key)
            case "admit_type": stay.admitType = enumValue(f.value, "admit_type", AdmitType.self)
            case "disposition": stay.disposition = enumValue(f.value, "disposition", Disposition.self)
            default: stay.primaryDx = optionalText(f.value, f.key).map(ValueSet.normalize)
            }
          }
          if stay.dischargeDate < stay.admitDate { source.error(row, "discharge_date is before admit_date") }
          stays.append(stay)
        }
      }
    }
    return ok ? (patient, events, stays) : nil
  }

  mutating func enumValue<E: RawRepresentable & CaseIterable>(_ node: Node, _ column: String, _ type: E.Type) -> E?
  where E.RawValue == String {
    guard let text = source.string(node, "'\(column)'") else { return nil }
    guard let value = E(rawValue: text.lowercased()) else {
      let allowed = E.allCases.map(\.rawValue)
      source.error(
        node,
        "unknown \(column) '\(text)'\(DidYouMean.hint(for: text, among: allowed)) (expected one of: \(allowed.joined(separator: ", ")))"
      )
      return nil
    }
    return value
  }

  mutating func loadExpectation(
    _ node: Node, tiers: [String], rules: [ScoringRule], actions: [ActionDefinition], features: [FeatureDefinition]
  ) -> RuleTestCase.Expectation? {
    guard
      let e = source.entries(
        node, of: "'expect'",
        allowed: ["score", "tier", "actions", "closed_actions", "contributions", "features", "due"])
    else { return nil }
    var expect = RuleTestCase.Expectation(
      score: nil, tier: nil, actions: nil, closedActions: nil, contributions: [], features: [], due: [])
    let actionIDs = actions.map(\.id)
    for entry in e {
      let v = entry.value
      switch entry.key {
      case "score":
        if optionalText(v, "'score'") == nil {
          expect.score = .some(nil)
        } else if let n = source.int(v, "'score'") {
          expect.score = .some(n)
        }
      case "tier":
        if let t = source.string(v, "'tier'") {
          if !tiers.contains(t) { source.error(v, "unknown tier '\(t)'\(DidYouMean.hint(for: t, among: tiers))") }
          expect.tier = t
        }
      case "actions", "closed_actions":
        let ids = list(v, entry.key)
        for id in ids where !actionIDs.contains(id) && !brokenIDs.contains(id) {
          source.error(v, "unknown action '\(id)'\(DidYouMean.hint(for: id, among: actionIDs))")
        }
        if entry.key == "actions" { expect.actions = ids } else { expect.closedActions = ids }
      case "contributions":
        guard let m = v.mapping else {
          source.error(v, "'contributions' must map rule ids to points")
          continue
        }
        for (k, pv) in m {
          let id = k.string ?? ""
          if !rules.contains(where: { $0.id == id }) && !brokenIDs.contains(id) {
            source.error(k, "unknown rule '\(id)'\(DidYouMean.hint(for: id, among: rules.map(\.id)))")
          }
          if let n = source.int(pv, "the points of '\(id)'") { expect.contributions.append((id, n)) }
        }
      case "features":
        guard let m = v.mapping else {
          source.error(v, "'features' must map feature names to values")
          continue
        }
        for (k, fv) in m {
          let name = k.string ?? ""
          if !features.contains(where: { $0.name == name }) && !env.brokenFeatures.contains(name) {
            source.error(k, "unknown feature '\(name)'\(DidYouMean.hint(for: name, among: features.map(\.name)))")
          }
          let text = fv.string ?? ""
          expect.features.append((name, text == "~" || text.isEmpty ? "null" : text))
        }
      default:
        guard let m = v.mapping else {
          source.error(v, "'due' must map action ids to dates")
          continue
        }
        for (k, dv) in m {
          let id = k.string ?? ""
          if !actionIDs.contains(id) && !brokenIDs.contains(id) {
            source.error(k, "unknown action '\(id)'\(DidYouMean.hint(for: id, among: actionIDs))")
          }
          if let d = date(dv, "the due date of '\(id)'") { expect.due.append((id, d)) }
        }
      }
    }
    return expect
  }
}
