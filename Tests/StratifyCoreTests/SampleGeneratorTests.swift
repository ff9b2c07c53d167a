import Foundation
import Testing

@testable import StratifyCore

/// A generated sample read back into memory (its temporary folder is removed at once).
private struct GeneratedSample {
  var summary: SampleSummary
  /// Raw bytes of patients.csv, utilization.csv, discharges.csv.
  var files: [String: Data]

  static let names = ["patients.csv", "utilization.csv", "discharges.csv"]
  static let asOf = Day(iso: "2026-11-20")!
  /// Shared by the tests that only read it.
  static let standard = try! GeneratedSample(patients: 3000, seed: 11)

  init(patients: Int, seed: UInt64, eventsPerPatient: Int = 20) throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("stratify-sample-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: folder) }
    let generator = try SampleGenerator(
      options: SampleOptions(patients: patients, seed: seed, asOf: Self.asOf, eventsPerPatient: eventsPerPatient))
    summary = try generator.write(to: folder.path)
    files = [:]
    for name in Self.names { files[name] = try Data(contentsOf: folder.appendingPathComponent(name)) }
  }

  /// Header and records of one file, as dictionaries keyed by column name.
  func rows(_ name: String) -> [[String: String]] {
    let records = parseCSV(String(decoding: files[name]!, as: UTF8.self))
    let header = records[0]
    return records.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
  }

  func header(_ name: String) -> String {
    String(decoding: files[name]!.prefix { $0 != 0x0A }, as: UTF8.self)
  }
}

/// A minimal RFC 4180 reader for checking the generator's output independently of the ingest code.
private func parseCSV(_ text: String) -> [[String]] {
  var records: [[String]] = []
  var record: [String] = []
  var field = ""
  var quoted = false
  var iterator = text.unicodeScalars.makeIterator()
  var pending = iterator.next()
  while let c = pending {
    pending = iterator.next()
    if quoted {
      if c == "\"" {
        if pending == "\"" {
          field.unicodeScalars.append("\"")
          pending = iterator.next()
        } else {
          quoted = false
        }
      } else {
        field.unicodeScalars.append(c)
      }
    } else if c == "\"" {
      quoted = true
    } else if c == "," {
      record.append(field)
      field = ""
    } else if c == "\n" {
      record.append(field)
      records.append(record)
      record = []
      field = ""
    } else {
      field.unicodeScalars.append(c)
    }
  }
  return records
}

/// Quan et al. 2005 ICD-10 coding of the Charlson categories, as code prefixes without dots (issue 3).
private let quanPrefixes: [String: [String]] = {
  func range(_ letter: String, _ from: Int, _ to: Int, width: Int = 2) -> [String] {
    (from...to).map { letter + String(format: "%0\(width)d", $0) }
  }
  func diabetes(_ fourth: [String]) -> [String] { range("E", 10, 14).flatMap { code in fourth.map { code + $0 } } }
  return [
    "ami": ["I21", "I22", "I252"],
    "chf": ["I099", "I110", "I130", "I132", "I255", "I420"] + range("I42", 5, 9, width: 1) + ["I43", "I50", "P290"],
    "pvd": ["I70", "I71", "I731", "I738", "I739", "I771", "I790", "I792", "K551", "K558", "K559", "Z958", "Z959"],
    "cevd": ["G45", "G46", "H340"] + range("I", 60, 69),
    "dementia": range("F0", 0, 3, width: 1) + ["F051", "G30", "G311"],
    "copd": ["I278", "I279"] + range("J", 40, 47) + range("J", 60, 67) + ["J684", "J701", "J703"],
    "rheumd": ["M05", "M06", "M315", "M32", "M33", "M34", "M351", "M353", "M360"],
    "pud": range("K", 25, 28),
    "mld": [
      "B18", "K700", "K701", "K702", "K703", "K709", "K713", "K714", "K715", "K717", "K73", "K74", "K760", "K762",
      "K763", "K764", "K768", "K769", "Z944",
    ],
    "diab": diabetes(["0", "1", "6", "8", "9"]),
    "diabwc": diabetes(["2", "3", "4", "5", "7"]),
    "hp": ["G041", "G114", "G801", "G802", "G81", "G82", "G830", "G831", "G832", "G833", "G834", "G839"],
    "rend": ["I120", "I131"] + range("N03", 2, 7, width: 1) + range("N05", 2, 7, width: 1)
      + ["N18", "N19", "N250", "Z490", "Z491", "Z492", "Z940", "Z992"],
    "canc": range("C", 0, 26) + range("C", 30, 34) + range("C", 37, 41) + ["C43"] + range("C", 45, 58)
      + range("C", 60, 76) + range("C", 81, 85) + ["C88"] + range("C", 90, 97),
    "msld": ["I850", "I859", "I864", "I982", "K704", "K711", "K721", "K729", "K765", "K766", "K767"],
    "metacanc": range("C", 77, 80),
    "aids": ["B20", "B21", "B22", "B24"],
  ]
}()

@Suite struct SampleGeneratorTests {
  @Test func sameOptionsGiveByteIdenticalFiles() throws {
    let first = try GeneratedSample(patients: 1500, seed: 5)
    let second = try GeneratedSample(patients: 1500, seed: 5)
    for name in GeneratedSample.names { #expect(first.files[name] == second.files[name], "\(name) differs") }
  }

  @Test func anotherSeedGivesOtherFiles() throws {
    let first = try GeneratedSample(patients: 500, seed: 5)
    let second = try GeneratedSample(patients: 500, seed: 6)
    for name in GeneratedSample.names { #expect(first.files[name] != second.files[name], "\(name) is the same") }
  }

  @Test func headersAreTheContractColumnsInOrder() {
    let sample = GeneratedSample.standard
    #expect(
      sample.header("patients.csv")
        == "patient_id,first_name,last_name,birth_date,sex,phone,practice_id,pcp_id,case_manager_id,payer,"
        + "conditions,medication_count,social_needs,hospice,deceased_date")
    #expect(sample.header("utilization.csv") == "patient_id,event_date,event_type,provider_id,primary_dx")
    #expect(
      sample.header("discharges.csv")
        == "patient_id,encounter_id,admit_date,discharge_date,facility,admit_type,disposition,primary_dx")
  }

  @Test func everyCharlsonCategoryAppears() {
    var found: Set<String> = []
    for patient in GeneratedSample.standard.rows("patients.csv") {
      for code in patient["conditions"]!.split(separator: ";") {
        let bare = code.replacingOccurrences(of: ".", with: "")
        for (category, prefixes) in quanPrefixes where prefixes.contains(where: { bare.hasPrefix($0) }) {
          found.insert(category)
        }
      }
    }
    #expect(found == Set(quanPrefixes.keys), "missing: \(Set(quanPrefixes.keys).subtracting(found).sorted())")
  }

  @Test func nothingHappensAfterAsOfAndNoStayEndsBeforeItStarts() {
    let sample = GeneratedSample.standard
    let asOf = GeneratedSample.asOf
    for event in sample.rows("utilization.csv") {
      #expect(Day(iso: event["event_date"]!)! <= asOf)
      #expect(EventType(rawValue: event["event_type"]!) != nil)
    }
    var encounters: Set<String> = []
    for stay in sample.rows("discharges.csv") {
      let admit = Day(iso: stay["admit_date"]!)!
      let discharge = Day(iso: stay["discharge_date"]!)!
      #expect(admit <= discharge && discharge <= asOf)
      #expect(encounters.insert(stay["encounter_id"]!).inserted)
    }
    for patient in sample.rows("patients.csv") {
      if let death = Day(iso: patient["deceased_date"]!) { #expect(death <= asOf) }
    }
  }

  @Test func averagesAboutTwentyEventsAndPointThreeStaysPerPatient() {
    let summary = GeneratedSample.standard.summary
    let events = Double(summary.utilizationEvents) / Double(summary.patients)
    let stays = Double(summary.stays) / Double(summary.patients)
    #expect(abs(events - 20) < 2, "events per patient: \(events)")
    #expect(abs(stays - 0.3) < 0.06, "stays per patient: \(stays)")
    #expect(GeneratedSample.standard.rows("utilization.csv").count == summary.utilizationEvents)
  }

  @Test func doublingEventsPerPatientDoublesUtilization() throws {
    let normal = try GeneratedSample(patients: 1000, seed: 3)
    let doubled = try GeneratedSample(patients: 1000, seed: 3, eventsPerPatient: 40)
    let ratio = Double(doubled.summary.utilizationEvents) / Double(normal.summary.utilizationEvents)
    #expect(ratio > 1.8 && ratio < 2.2, "ratio \(ratio)")
    #expect(doubled.files["patients.csv"] == normal.files["patients.csv"])
  }

  @Test func recentDischargesAreSometimesFollowedUpAndSometimesNot() {
    let sample = GeneratedSample.standard
    let asOf = GeneratedSample.asOf
    var lastDischarge: [String: Day] = [:]
    for stay in sample.rows("discharges.csv") {
      let day = Day(iso: stay["discharge_date"]!)!
      lastDischarge[stay["patient_id"]!] = max(day, lastDischarge[stay["patient_id"]!] ?? day)
    }
    let recent = lastDischarge.filter { asOf - $0.value <= 30 }
    var contacted: Set<String> = []
    for event in sample.rows("utilization.csv") where event["event_type"] == "cm_contact" {
      if let discharge = recent[event["patient_id"]!], Day(iso: event["event_date"]!)! >= discharge {
        contacted.insert(event["patient_id"]!)
      }
    }
    #expect(lastDischarge.values.contains { asOf - $0 <= 7 })
    #expect(!contacted.isEmpty && contacted.count < recent.count)
  }

  @Test func knowsTheDayBeforeThanksgiving() {
    #expect(SampleGenerator.isDayBeforeThanksgiving(Day(iso: "2026-11-25")!))
    #expect(SampleGenerator.isDayBeforeThanksgiving(Day(iso: "2025-11-26")!))
    #expect(!SampleGenerator.isDayBeforeThanksgiving(Day(iso: "2026-11-18")!))
    #expect(GeneratedSample.asOf.isoWeekday == 5)
  }

  @Test func refusesAnEmptyPanel() {
    #expect(throws: SampleError.self) {
      try SampleGenerator(options: SampleOptions(patients: 0, asOf: GeneratedSample.asOf))
    }
  }
}
