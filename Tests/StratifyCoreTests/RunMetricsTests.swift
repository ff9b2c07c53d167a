import Foundation
import Testing

@testable import StratifyCore

/// The night's figures on `MetricsFixture`, and metrics.json.
@Suite struct RunMetricsTests {
  func metrics(previous: Bool = true) throws -> RunMetrics { RunMetrics(try MetricsFixture.input(previous: previous)) }

  @Test func headerFigures() throws {
    let m = try metrics()
    #expect(m.schemaVersion == 1)
    #expect(m.asOf == "2026-11-30")
    #expect(m.previousRun == "2026-11-27")
    #expect(m.ruleSet.name == "fixture")
    #expect(m.ruleSet.version == "1")
    #expect(m.ruleSet.sha256.count == 64)
    #expect(m.tierOrder == ["excluded", "top", "high", "low"])
    #expect(m.patients == .init(read: 8, accepted: 6, rejected: 2))
    #expect(m.closedActionsSinceLastRun == 4)
  }

  @Test func tiersAddUpToTheAcceptedPatients() throws {
    let m = try metrics()
    #expect(m.tiers == ["excluded": 1, "top": 2, "high": 1, "low": 2])
    #expect(m.tiers.values.reduce(0, +) == m.patients.accepted)
    for practice in m.practices {
      #expect(practice.figures.tiers.values.reduce(0, +) == practice.figures.patients)
    }
  }

  @Test func rejectsAddUpToTheRowsOfRejectsCSV() throws {
    let m = try metrics()
    #expect(m.rejects == ["patients.csv": 2, "utilization.csv": 1, "discharges.csv": 0])
    #expect(m.rejects.values.reduce(0, +) == MetricsFixture.rejects.count)
    #expect(m.rejectsByReason == ["unparseable_date": 1, "duplicate_patient": 1, "unknown_enum": 1])
    #expect(m.unknownColumns == ["patients.csv": [], "utilization.csv": [], "discharges.csv": ["ward"]])
    #expect(m.files.map(\.rowsRead) == [8, 21, 5])
    #expect(m.files[0].rejectsByReason == ["unparseable_date": 1, "duplicate_patient": 1])
  }

  /// ed and chronic both fired for 3 of 6 patients (a tie kept in rule order); old gave 0 points and does not count.
  @Test func theRulesThatFiredForTheMostPatients() throws {
    let m = try metrics()
    #expect(
      m.topRules == [
        RuleFiring(ruleID: "ed", label: "ED use", patients: 3, share: 0.5),
        RuleFiring(ruleID: "chronic", label: "Chronic conditions", patients: 3, share: 0.5),
      ])
  }

  @Test func practicesHaveTheirOwnFigures() throws {
    let m = try metrics()
    #expect(m.practices.map(\.practiceID) == ["PR1", "PR2", "PR3"])
    #expect(m.practices.map(\.figures.patients) == [3, 2, 1])
    #expect(m.practices.map(\.patientsWithoutCaseManager) == [0, 1, 0])
    #expect(m.practices.map(\.figures.worklist.items) == [3, 2, 0])
    #expect(m.practices.map(\.figures.transitionsOfCare.discharges) == [3, 1, 0])
    #expect(m.practices[1].figures.worklist.unassigned.map(\.practiceID) == ["PR2"])
    #expect(m.practices[0].figures.tierChanges.departedPatients == nil)
    #expect(m.practices[0].figures.tierChanges.escalated == 1)
  }

  @Test func theWholePopulationFiguresMatchTheirUnits() throws {
    let m = try metrics()
    #expect(m.transitionsOfCare.contactWithinTwoBusinessDays.share == 0.75)
    #expect(m.tierChanges.escalated == 1)
    #expect(m.tierChanges.departedPatients == 1)
    #expect(m.worklist.items == 5)
    #expect(m.worklist.overdue == 2)
    #expect(m.utilizationByTier.map(\.edVisits) == [0, 3, 0, 2])
  }

  @Test func theFirstRunHasNoPreviousRun() throws {
    let m = try metrics(previous: false)
    #expect(m.previousRun == nil)
    #expect(m.tierChanges.newPatients == 6)
  }

  @Test func jsonIsSnakeCaseSortedAndDeterministic() throws {
    let json = try metrics().json
    #expect(json == (try metrics().json))
    #expect(json.hasSuffix("}\n"))
    for key in [
      "\"schema_version\"", "\"as_of\"", "\"tier_changes\"", "\"de_escalated\"", "\"transitions_of_care\"",
      "\"contact_within_two_business_days\"", "\"visit_within_seven_days\"", "\"thirty_day_readmissions\"",
      "\"ed_visits_per_thousand\"", "\"no_show_rate\"", "\"case_manager_id\"", "\"practice_id\"", "\"rule_id\"",
      "\"rejects_by_reason\"", "\"unknown_columns\"", "\"closed_actions_since_last_run\"",
    ] {
      #expect(json.contains(key), "\(key)")
    }
    #expect(!json.contains("Id\""))
    let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any]
    #expect(object["schema_version"] as? Int == 1)
    #expect((object["tiers"] as? [String: Int])?.values.reduce(0, +) == 6)
    #expect(Array(object.keys).sorted().first == "as_of")
  }

  @Test func jsonReadsBackForTheTrends() throws {
    let m = try metrics()
    #expect(RunMetrics.decode(json: m.json) == m)
    #expect(RunMetrics.decode(json: "{}") == nil)
    #expect(
      RunMetrics.decode(json: m.json.replacingOccurrences(of: "\"schema_version\" : 1", with: "\"schema_version\" : 2"))
        == nil)
  }
}
