import Foundation
import Logging
import Testing

@testable import StratifyCore

/// Ingest stores only the utilization rows some aggregate or report figure can match; every score, action and
/// figure must be what it is with every row stored.
@Suite struct EventRetentionTests {
  static func day(_ iso: String) -> Day { Day(iso: iso)! }

  @Test func aStoredUtilizationRowTakes16BytesAndKeepsItsTexts() {
    #expect(MemoryLayout<UtilizationEvent>.stride == 16)
    var event = UtilizationEvent(date: Self.day("2026-01-02"), type: .office)
    #expect(event.providerID == nil && event.primaryDx == nil)
    let copy = event
    event.providerID = "DR1"
    event.primaryDx = "I10"
    #expect(event.providerID == "DR1" && event.primaryDx == "I10")
    #expect(copy.providerID == nil)
    #expect(event == UtilizationEvent(date: Self.day("2026-01-02"), type: .office, providerID: "DR1", primaryDx: "I10"))
    #expect(event != copy)
  }

  @Test func theOrdinalOfAnEventTypeIsItsPositionInAllCases() {
    for (k, type) in EventType.allCases.enumerated() { #expect(type.ordinal == k) }
  }

  /// A rule set of `features` (YAML lines, indented by 2), with one rule on the first of them.
  static func ruleSet(features: String, firstFeature: String) throws -> RuleSet {
    let fixture = try RuleFileFixture(
      """
      stratify: 1
      name: reach
      version: "1"
      features:
      \(features)
      scoring:
        - id: first
          label: first feature
          when: \(firstFeature) >= 1
          points: 1
      tiers:
        - name: any
      """)
    defer { fixture.remove() }
    return try RuleSetLoader.load(path: fixture.path)
  }

  @Test func theReachOfARuleSetFollowsItsFiltersAndWindows() throws {
    let ruleSet = try Self.ruleSet(
      features: """
          ed_6m: 'count(utilization, event_type == "ed", within: 180d)'
          no_show_or_office: "count(utilization, event_type in [\\"no_show\\", \\"office\\"] and event_date > as_of - 30d, within: 12mo)"
          recent_contact: 'exists(utilization, event_type == "cm_contact" or event_type == "telehealth", within: 2w)'
          last_stay: latest(discharges)
          visit_after_stay: "exists(utilization, event_type == \\"office\\", after: last_stay.discharge_date, within: 7d)"
        """, firstFeature: "ed_6m")
    let asOf = Self.day("2026-11-21")
    let retention = ruleSet.utilizationReach.retention(asOf: asOf)
    let earliest = Dictionary(uniqueKeysWithValues: zip(EventType.allCases, retention.earliest))
    #expect(earliest[.ed] == asOf - 179)
    // 12 months back from 2026-11-21 is 2025-11-21, exclusive.
    #expect(earliest[.noShow] == Self.day("2025-11-22"))
    // Office is also read after a stay's discharge: no lower bound.
    #expect(earliest[.office] == Day(number: Int32.min))
    #expect(earliest[.cmContact] == asOf - 13)
    #expect(earliest[.telehealth] == asOf - 13)
    #expect(earliest[.urgentCare] == .some(nil))
    #expect(retention.latest == asOf)
    #expect(retention.keeps(.ed, asOf - 179) && !retention.keeps(.ed, asOf - 180) && !retention.keeps(.ed, asOf + 1))
    #expect(!retention.keeps(.urgentCare, asOf))
  }

  @Test func anAggregateWithoutAFilterOnTheTypeReadsEveryRow() throws {
    let ruleSet = try Self.ruleSet(
      features: """
          visits: "count(utilization, not (event_type == \\"ed\\"))"
        """, firstFeature: "visits")
    let retention = ruleSet.utilizationReach.retention(asOf: Self.day("2026-11-21"))
    #expect(retention.earliest.allSatisfy { $0 == Day(number: Int32.min) })
  }

  /// Scores, actions and the report's utilization figures on a generated panel: all rows stored against only the
  /// retained ones (with the 12-month counts made while reading), as of the panel's date and as of an earlier
  /// date, when the extract holds rows the run must not see; the file read in chunks, then in one piece.
  @Test(arguments: ["default.yaml", "lace.yaml", "bench.yaml"])
  func keepingOnlyTheReachableRowsChangesNothing(file: String) throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      "stratify-retention-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: folder) }
    let sampleDate = Self.day("2026-11-21")
    _ = try SampleGenerator(options: SampleOptions(patients: 1500, seed: 5, asOf: sampleDate)).write(to: folder.path)
    let ruleSet = try RuleSetLoader.load(
      path: ShippedRuleSetsTests.rulesFolder.appendingPathComponent(file).path)
    let full = try ExtractLoader.load(InputPaths(folder: folder.path), logger: Logger(label: "test"))
    let fullData = PatientData(patients: full.patients, utilization: full.utilization, discharges: full.discharges)

    // Chunked (the counts of each range merged) and sequential.
    for (asOf, chunks) in [(sampleDate, 3), (sampleDate - 40, 1)] {
      var options = IngestOptions()
      let reach = ruleSet.utilizationReach.retention(asOf: asOf)
      options.eventRetention = reach.union(TransitionsOfCare.eventRetention(asOf: asOf))
      options.dischargeFollowUp = DischargeFollowUp(
        everyone: reach, discharged: TransitionsOfCare.dischargeWindow(asOf: asOf))
      options.tallyWindow = TierUtilization.window(asOf: asOf)
      options.chunkCount = chunks
      let kept = try ExtractLoader.load(
        InputPaths(folder: folder.path), options: options, logger: Logger(label: "test"))
      let keptData = PatientData(patients: kept.patients, utilization: kept.utilization, discharges: kept.discharges)
      // The default rule set reads some types back to the first row (the latest ED visit, follow-ups after a
      // discharge); the others read a fraction.
      if file != "default.yaml" { #expect(kept.utilization.rows.count < full.utilization.rows.count / 4) }
      // Contacts and visits kept for the report only stay with the patients discharged in its window.
      let window = TransitionsOfCare.dischargeWindow(asOf: asOf)
      let undischarged = kept.patients.indices.filter { p in
        !kept.discharges[p].contains { window.contains($0.dischargeDate) }
      }
      #expect(undischarged.allSatisfy { p in kept.utilization[p].allSatisfy { reach.keeps($0.type, $0.date) } })
      #expect(kept.quality == full.quality)
      #expect(kept.rejects.count == full.rejects.count)

      let expected = ScoringEngine(ruleSet: ruleSet, asOf: asOf).score(fullData)
      let actual = ScoringEngine(ruleSet: ruleSet, asOf: asOf).score(keptData)
      #expect(actual == expected)
      #expect(expected.contains { !$0.actions.isEmpty } || file == "lace.yaml")

      #expect(kept.eventTallies == TierUtilization.windowCounts(data: fullData, asOf: asOf))
      let calendar = BusinessCalendar.usFederal
      let everyone = Array(full.patients.indices)
      let care = TransitionsOfCare(data: keptData, patients: everyone, asOf: asOf, calendar: calendar)
      #expect(care == TransitionsOfCare(data: fullData, patients: everyone, asOf: asOf, calendar: calendar))
      #expect(care.discharges > 0)
    }
  }
}
