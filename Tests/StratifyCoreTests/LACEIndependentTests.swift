import Foundation
import Logging
import Testing

@testable import StratifyCore

/// Rules/lace.yaml against LACE computed here, independently, from the published definition, for every patient
/// of a `stratify sample` panel.
@Suite struct LACEIndependentTests {
  /// Quan 2005 ICD-10 prefixes, written out again here (not read from the value-set file) on purpose.
  static let quan: [(String, [String])] = [
    ("ami", ["I21", "I22", "I252"]),
    (
      "chf",
      ["I099", "I110", "I130", "I132", "I255", "I420", "I425", "I426", "I427", "I428", "I429", "I43", "I50", "P290"]
    ),
    ("pvd", ["I70", "I71", "I731", "I738", "I739", "I771", "I790", "I792", "K551", "K558", "K559", "Z958", "Z959"]),
    ("cevd", ["G45", "G46", "H340"] + (60...69).map { "I\($0)" }),
    ("dementia", ["F00", "F01", "F02", "F03", "F051", "G30", "G311"]),
    ("copd", ["I278", "I279"] + (40...47).map { "J\($0)" } + (60...67).map { "J\($0)" } + ["J684", "J701", "J703"]),
    ("rheumd", ["M05", "M06", "M315", "M32", "M33", "M34", "M351", "M353", "M360"]),
    ("pud", ["K25", "K26", "K27", "K28"]),
    (
      "mld",
      [
        "B18", "K700", "K701", "K702", "K703", "K709", "K713", "K714", "K715", "K717", "K73", "K74", "K760", "K762",
        "K763", "K764", "K768", "K769", "Z944",
      ]
    ),
    ("diab", (10...14).flatMap { n in ["0", "1", "6", "8", "9"].map { "E\(n)\($0)" } }),
    ("diabwc", (10...14).flatMap { n in ["2", "3", "4", "5", "7"].map { "E\(n)\($0)" } }),
    ("hp", ["G041", "G114", "G801", "G802", "G81", "G82", "G830", "G831", "G832", "G833", "G834", "G839"]),
    (
      "rend",
      [
        "I120", "I131", "N032", "N033", "N034", "N035", "N036", "N037", "N052", "N053", "N054", "N055", "N056",
        "N057", "N18", "N19", "N250", "Z490", "Z491", "Z492", "Z940", "Z992",
      ]
    ),
    (
      "canc",
      ((0...26).map { String(format: "C%02d", $0) } + (30...34).map { "C\($0)" } + (37...41).map { "C\($0)" }
        + ["C43"] + (45...58).map { "C\($0)" } + (60...76).map { "C\($0)" } + (81...85).map { "C\($0)" } + ["C88"]
        + (90...97).map { "C\($0)" })
    ),
    ("msld", ["I850", "I859", "I864", "I982", "K704", "K711", "K721", "K729", "K765", "K766", "K767"]),
    ("metacanc", ["C77", "C78", "C79", "C80"]),
    ("aids", ["B20", "B21", "B22", "B24"]),
  ]
  static let weights: [String: Int] = [
    "ami": 1, "cevd": 1, "pvd": 1, "diab": 1, "chf": 2, "diabwc": 2, "copd": 2, "mld": 2, "canc": 2, "dementia": 3,
    "rheumd": 3, "aids": 4, "msld": 4, "rend": 4, "metacanc": 6, "hp": 0, "pud": 0,
  ]

  /// LACE for one patient, or nil without an index stay.
  static func lace(
    _ p: PatientRecord, _ events: ArraySlice<UtilizationEvent>, _ stays: ArraySlice<DischargeRecord>, asOf: Day
  )
    -> Int?
  {
    let windowStart = asOf - 29
    let inWindow = stays.filter { $0.dischargeDate >= windowStart && $0.dischargeDate <= asOf }
    guard let index = inWindow.max(by: { ($0.dischargeDate, $0.admitDate) < ($1.dischargeDate, $1.admitDate) }) else {
      return nil
    }
    let days = index.dischargeDate - index.admitDate
    let l: Int
    switch days {
    case ..<1: l = 0
    case 1, 2, 3: l = days
    case 4...6: l = 4
    case 7...13: l = 5
    default: l = 7
    }
    let a = index.admitType == .emergency ? 3 : 0
    var present = Set<String>()
    for code in p.conditions {
      for (category, prefixes) in quan where prefixes.contains(where: { code.hasPrefix($0) }) {
        present.insert(category)
      }
    }
    if present.contains("diabwc") { present.remove("diab") }
    if present.contains("msld") { present.remove("mld") }
    if present.contains("metacanc") { present.remove("canc") }
    let sum = present.reduce(0) { $0 + weights[$1]! }
    let c = sum >= 4 ? 5 : sum
    let ed = events.filter { $0.type == .ed && $0.date >= index.admitDate - 180 && $0.date < index.admitDate }.count
    return l + a + c + min(ed, 4)
  }

  @Test func laceRuleSetMatchesTheSpecificationForEverySamplePatient() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("stratify-lace-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: folder) }
    let asOf = Day(iso: "2026-11-21")!
    _ = try SampleGenerator(options: SampleOptions(patients: 4000, seed: 11, asOf: asOf)).write(to: folder.path)
    let ingest = try ExtractLoader.load(InputPaths(folder: folder.path), logger: Logger(label: "test"))
    let ruleSet = try RuleSetLoader.load(
      path: ShippedRuleSetsTests.rulesFolder.appendingPathComponent("lace.yaml").path)
    let data = PatientData(patients: ingest.patients, utilization: ingest.utilization, discharges: ingest.discharges)
    let scores = ScoringEngine(ruleSet: ruleSet, asOf: asOf).score(data)
    var scored = 0
    var mismatches: [String] = []
    for s in scores {
      let expected = Self.lace(
        data.patients[s.patient], data.utilization[s.patient], data.discharges[s.patient], asOf: asOf)
      if expected != nil { scored += 1 }
      let tier = expected.map { $0 >= 10 ? "high" : $0 >= 5 ? "moderate" : "low" } ?? "none"
      if s.score != expected || s.tier != tier {
        mismatches.append(
          "\(data.patients[s.patient].id): expected \(expected.map(String.init) ?? "-") got \(s.score.map(String.init) ?? "-")"
        )
      }
    }
    #expect(mismatches.isEmpty, "\(mismatches.prefix(10))")
    // The sample must exercise LACE: enough index stays to mean something.
    #expect(scored > 50, "only \(scored) patients with an index stay")
  }
}
