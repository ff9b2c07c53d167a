import Foundation
import Logging
import Testing

@testable import StratifyCore

/// The semantics of evaluation: nulls, windows, ties, eligibility, exclusions, explain.
@Suite struct ScoringEngineTests {
  let asOf = Day(iso: "2026-11-20")!

  func d(_ s: String) -> Day { Day(iso: s)! }

  func data(_ patient: PatientRecord, events: [UtilizationEvent] = [], stays: [DischargeRecord] = []) -> PatientData {
    PatientData(
      patients: [patient], utilization: GroupedRows(offsets: [0, Int32(events.count)], rows: events),
      discharges: GroupedRows(offsets: [0, Int32(stays.count)], rows: stays))
  }

  func patient(_ conditions: [String] = [], meds: Int? = nil) -> PatientRecord {
    PatientRecord(
      id: "P1", birthDate: d("1950-01-01"), practiceID: "PR1", conditions: conditions, medicationCount: meds)
  }

  /// Loads rules with the given features and returns each feature's value for the data.
  func features(_ yaml: String, _ data: PatientData) throws -> [String: Value] {
    let fixture = try RuleFileFixture(RuleFileFixture.ruleFile(features: yaml))
    defer { fixture.remove() }
    let rules = try fixture.load()
    let engine = ScoringEngine(ruleSet: rules, asOf: asOf)
    let ctx = engine.makeContext(data)
    engine.computeFeatures(0, ctx)
    return Dictionary(uniqueKeysWithValues: rules.features.enumerated().map { ($1.name, ctx.features[$0]) })
  }

  @Test func aComparisonWithNullIsFalseAndAMissingValueIsNotZero() throws {
    let v = try features(
      """
        meds_high: patient.medication_count >= 0
        meds_low: patient.medication_count < 5
        meds_missing: patient.medication_count is null
        meds_or_zero: coalesce(patient.medication_count, 0)
        no_stay: days_between(latest(discharges).discharge_date, as_of)
      """, data(patient()))
    #expect(v["meds_high"] == .bool(false))
    #expect(v["meds_low"] == .bool(false))
    #expect(v["meds_missing"] == .bool(true))
    #expect(v["meds_or_zero"] == .int(0))
    #expect(v["no_stay"] == .null)
  }

  @Test func windowsCountTheRightDays() throws {
    let events = ["2026-05-24", "2026-05-23", "2026-11-20", "2026-11-21", "2026-11-10"].map {
      UtilizationEvent(date: d($0), type: .ed)
    }
    let v = try features(
      """
        within_180: 'count(utilization, within: 180d)'
        before_admit: 'count(utilization, within: 180d, before: 2026-11-20)'
        since_10th: 'count(utilization, since: 2026-11-10)'
        after_10th: 'count(utilization, after: 2026-11-10)'
        after_10th_within_10: 'count(utilization, after: 2026-11-10, within: 10d)'
        until_10th: 'count(utilization, until: 2026-11-10)'
        six_months: 'count(utilization, within: 6mo)'
        everything: count(utilization)
      """, data(patient(), events: events))
    // as_of − 180d = 2026-05-24, exclusive: 05-24 is out, 11-10 and 11-20 are in, 11-21 (after as-of) is out.
    // Rows after as-of are never seen, with or without a window: 5 rows, 4 visible.
    #expect(v["within_180"] == .int(2))
    // 2026-11-20 − 180d = 2026-05-24, inclusive, up to 11-19: 05-24 and 11-10.
    #expect(v["before_admit"] == .int(2))
    #expect(v["since_10th"] == .int(2))
    #expect(v["after_10th"] == .int(1))
    #expect(v["after_10th_within_10"] == .int(1))
    #expect(v["until_10th"] == .int(3))
    #expect(v["everything"] == .int(4))
    // 6 calendar months before 2026-11-20 is 2026-05-20 (exclusive): 05-23, 05-24, 11-10, 11-20.
    #expect(v["six_months"] == .int(4))
  }

  @Test func latestBreaksTiesByTheLaterAdmitDateThenFileOrder() throws {
    let stays = [
      DischargeRecord(encounterID: "A", admitDate: d("2026-11-01"), dischargeDate: d("2026-11-15")),
      DischargeRecord(encounterID: "B", admitDate: d("2026-11-10"), dischargeDate: d("2026-11-15")),
      DischargeRecord(encounterID: "C", admitDate: d("2026-11-10"), dischargeDate: d("2026-11-15")),
      DischargeRecord(encounterID: "D", admitDate: d("2026-10-01"), dischargeDate: d("2026-10-05")),
    ]
    let v = try features(
      """
        last: latest(discharges).encounter_id
        first: earliest(discharges).encounter_id
        longest: max(discharges, length_of_stay)
        total_days: sum(discharges, length_of_stay)
        first_admit: min(discharges, admit_date)
      """, data(patient(), stays: stays))
    #expect(v["last"] == .string("C"))
    #expect(v["first"] == .string("D"))
    #expect(v["longest"] == .int(14))
    #expect(v["total_days"] == .int(14 + 5 + 5 + 4))
    #expect(v["first_admit"] == .date(d("2026-10-01")))
  }

  @Test func codesMatchByPrefixIgnoringDotsAndCase() throws {
    let fixture = try RuleFileFixture(
      "value_sets:\n  vs: value_sets/vs.csv\n"
        + RuleFileFixture.ruleFile(
          features: """
              chf: has_code(patient.conditions, vs, "chf")
              cats: count_categories(patient.conditions, vs)
              dx_in: latest(utilization).primary_dx in vs
            """),
      valueSets: ["value_sets/vs.csv": "code,category\nI50,chf\nI110,chf\nE11,diabetes\n"])
    defer { fixture.remove() }
    let rules = try fixture.load()
    let engine = ScoringEngine(ruleSet: rules, asOf: asOf)
    let input = data(
      patient([ValueSet.normalize("i11.0"), ValueSet.normalize("E11.9")]),
      events: [UtilizationEvent(date: d("2026-11-01"), type: .office, primaryDx: "I509")])
    let ctx = engine.makeContext(input)
    engine.computeFeatures(0, ctx)
    #expect(ctx.features[1] == .bool(true))
    #expect(ctx.features[2] == .int(2))
    #expect(ctx.features[3] == .bool(true))
  }

  @Test func eligibilityLeavesTheScoreEmpty() throws {
    let fixture = try RuleFileFixture(
      RuleFileFixture.ruleFile(extra: "eligibility: { when: 'exists(discharges)', otherwise: none }\n"))
    defer { fixture.remove() }
    let engine = ScoringEngine(ruleSet: try fixture.load(), asOf: asOf)
    let result = engine.score(data(patient()))
    #expect(result[0].score == nil)
    #expect(result[0].tier == "none")
  }

  @Test func explainShowsWhereANullDecidedAndThePointsToTheNextTier() throws {
    let fixture = try RuleFileFixture(
      RuleFileFixture.ruleFile(
        features: "  days_since: days_between(latest(discharges).discharge_date, as_of)\n",
        scoring: "  - id: recent\n    label: Recent discharge\n    when: days_since <= 30\n    points: 5\n",
        tiers: "  - { name: top, min_score: 7 }\n  - { name: high, min_score: 2 }\n  - { name: low }"))
    defer { fixture.remove() }
    let engine = ScoringEngine(ruleSet: try fixture.load(), asOf: asOf)
    let explanation = engine.explain(data(patient()), patient: 0)
    let recent = try #require(explanation.rules.first { $0.id == "recent" })
    #expect(recent.points == 0)
    #expect(recent.nullDecided == ["days_since"])
    #expect(explanation.score == 2)
    #expect(explanation.tier == "high")
    #expect(explanation.nextTier == "top")
    #expect(explanation.pointsToNextTier == 5)
    #expect(explanation.text.contains("null decided: days_since"))
  }

  @Test func exclusionTiersGetNoActions() throws {
    let fixture = try RuleFileFixture(
      RuleFileFixture.ruleFile(
        tiers: "  - { name: excluded, when: patient.hospice, exclusion: true }\n  - { name: low }",
        actions: "  - { id: call, label: Call, when: 'true', due: as_of }\n"))
    defer { fixture.remove() }
    let engine = ScoringEngine(ruleSet: try fixture.load(), asOf: asOf)
    var p = patient()
    p.hospice = true
    #expect(engine.score(data(p))[0].actions.isEmpty)
    #expect(engine.score(data(patient()))[0].actions.map(\.actionID) == ["call"])
  }

  @Test func theRuleSetSaysWhichOptionalColumnsIngestMustKeep() throws {
    let fixture = try RuleFileFixture(
      RuleFileFixture.ruleFile(features: "  dx: latest(utilization).primary_dx\n  fac: latest(discharges).facility\n"))
    defer { fixture.remove() }
    let columns = try fixture.load().storedColumns
    #expect(columns == [.utilizationPrimaryDx, .dischargeFacility])
  }

  @Test func scoringManyPatientsInParallelKeepsPatientOrder() throws {
    let fixture = try RuleFileFixture(RuleFileFixture.ruleFile())
    defer { fixture.remove() }
    let engine = ScoringEngine(ruleSet: try fixture.load(), asOf: asOf)
    let patients = (0..<10_000).map { i in
      PatientRecord(id: "P\(i)", birthDate: d(i % 2 == 0 ? "1940-01-01" : "1990-01-01"), practiceID: "X")
    }
    let input = PatientData(
      patients: patients, utilization: .empty(patientCount: patients.count),
      discharges: .empty(patientCount: patients.count))
    let scores = engine.score(input)
    #expect(scores.map(\.patient) == Array(0..<10_000))
    #expect(scores.allSatisfy { $0.score == ($0.patient % 2 == 0 ? 2 : 0) })
  }

  /// Each scoring worker compiles its own replica of the rules: a replica of every shipped rule set compiles from
  /// memory, and scoring in small chunks on all workers gives what one context scoring patient after patient gives.
  @Test(arguments: ["default.yaml", "lace.yaml", "bench.yaml"])
  func workersWithReplicasScoreLikeOneContext(file: String) throws {
    let ruleSet = try RuleSetLoader.load(path: ShippedRuleSetsTests.rulesFolder.appendingPathComponent(file).path)
    let replica = try #require(RuleSetLoader.replica(of: ruleSet))
    #expect(replica.sha256 == ruleSet.sha256)
    #expect(replica.features.map(\.name) == ruleSet.features.map(\.name))
    #expect(replica.valueSets == ruleSet.valueSets)

    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("stratify-replica-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: folder) }
    let sampleDate = Day(iso: "2026-11-21")!
    _ = try SampleGenerator(options: SampleOptions(patients: 600, seed: 3, asOf: sampleDate)).write(to: folder.path)
    let ingest = try ExtractLoader.load(InputPaths(folder: folder.path), logger: Logger(label: "test"))
    let data = PatientData(patients: ingest.patients, utilization: ingest.utilization, discharges: ingest.discharges)
    let engine = ScoringEngine(ruleSet: ruleSet, asOf: sampleDate)
    let ctx = engine.makeContext(data)
    let oneByOne = data.patients.indices.map { engine.scorePatient($0, ctx) }
    #expect(engine.score(data, chunk: 7) == oneByOne)
    #expect(engine.replica().score(data, chunk: 50) == oneByOne)
  }
}

/// Comparisons of enumerated fields take a fast path on the stored enum; it must agree with the text semantics.
@Suite struct EnumComparisonTests {
  @Test func enumComparisonsAgreeWithTheirTextMeaning() throws {
    let asOf = Day(iso: "2026-11-20")!
    let fixture = try RuleFileFixture(
      RuleFileFixture.ruleFile(
        features: """
            eds: count(utilization, event_type == "ed")
            not_eds: count(utilization, event_type != "ed")
            visits: count(utilization, event_type in ["office", "telehealth"])
            others: count(utilization, event_type not in ["office", "telehealth"])
            reversed: count(utilization, "ed" == event_type)
            last_stay: latest(discharges)
            home: last_stay.disposition in ["home", "home_health"]
            not_home: last_stay.disposition not in ["home", "home_health"]
            acute: last_stay.admit_type == "emergency"
            not_acute: last_stay.admit_type != "emergency"
            last_ed_is_ed: latest(utilization, event_type == "ed").event_type == "ed"
          """))
    defer { fixture.remove() }
    let engine = ScoringEngine(ruleSet: try fixture.load(), asOf: asOf)
    let events = [EventType.ed, .office, .telehealth, .noShow, .ed].enumerated().map {
      UtilizationEvent(date: asOf - $0.offset, type: $0.element)
    }
    func values(_ stays: [DischargeRecord]) -> [Value] {
      let data = PatientData(
        patients: [PatientRecord(id: "P", birthDate: Day(iso: "1950-01-01")!, practiceID: "X")],
        utilization: GroupedRows(offsets: [0, Int32(events.count)], rows: events),
        discharges: GroupedRows(offsets: [0, Int32(stays.count)], rows: stays))
      let ctx = engine.makeContext(data)
      engine.computeFeatures(0, ctx)
      return ctx.features
    }
    let withStay = values([
      DischargeRecord(admitDate: asOf - 5, dischargeDate: asOf - 1, admitType: .emergency, disposition: .snf)
    ])
    #expect(withStay[1...5] == [.int(2), .int(3), .int(2), .int(3), .int(2)])
    #expect(withStay[7...11] == [.bool(false), .bool(true), .bool(true), .bool(false), .bool(true)])
    // With no stay, or a stay with empty admit type and disposition, every comparison with the null is false.
    let nulls = values([DischargeRecord(admitDate: asOf - 5, dischargeDate: asOf - 1)])
    #expect(nulls[7...10] == [.bool(false), .bool(false), .bool(false), .bool(false)])
    let none = values([])
    #expect(none[7...10] == [.bool(false), .bool(false), .bool(false), .bool(false)])
  }
}
