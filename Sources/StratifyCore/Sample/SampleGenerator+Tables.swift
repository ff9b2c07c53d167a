import Foundation

extension SampleGenerator {
  /// Everything the generator writes, formatted once as bytes and shared read-only by the worker threads: dates,
  /// codes, ids, names and enum values, with the condition table resolved to code indices. A class, so that the hot
  /// loops pass one reference around rather than copying (and retaining) every table.
  final class Tables: Sendable {
    /// A condition group ready for drawing: log(1 − prevalence) per age band, and per sex (F, M, other) the
    /// cumulative weights of the codes allowed for that sex.
    struct Group: Sendable {
      var logAbsent: [Double]
      var codes: [Int]
      var charlson: [CharlsonCategory?]
      var cumulativeBySex: [[Double]]
      var acute: Int?
    }

    let dates: DateTable
    let codes: ByteTable
    let groups: [Group]
    /// Index of the "cancer" group, drawn for every patient with metastases.
    let cancerGroup: Int
    let emergencyCodes: [Int]
    let urgentCareCodes: [Int]
    let officeCodes: [Int]
    let acuteStayCodes: [Int]
    let electiveStayCodes: [Int]
    let caseManagementCodes: [Int]
    let socialNeedCodes: [Int]
    let panel: Panel
    let femaleNames: ByteTable
    let maleNames: ByteTable
    let lastNames: ByteTable
    let sexes = ByteTable(["F", "M", "X"])
    let socialNeeds = ByteTable(SocialNeed.allCases.map(\.name))
    let yesNo = ByteTable(["Y", "N"])

    init(options: SampleOptions) {
      // Birth dates reach back a little over a century; everything else falls in the two years before as-of.
      dates = DateTable(from: options.asOf - 110 * 366, through: options.asOf)
      var codeStrings: [String] = []
      var codeIndex: [String: Int] = [:]
      func code(_ text: String) -> Int {
        if let i = codeIndex[text] { return i }
        codeIndex[text] = codeStrings.count
        codeStrings.append(text)
        return codeStrings.count - 1
      }
      groups = SampleGenerator.conditionGroups.map { group in
        Group(
          logAbsent: group.prevalence.map { log(1 - $0) },
          codes: group.codes.map { code($0.code) },
          charlson: group.codes.map(\.charlson),
          cumulativeBySex: ["F", "M", "X"].map { sex in
            SampleGenerator.cumulative(group.codes.map { $0.sex == nil || $0.sex == sex || sex == "X" ? $0.weight : 0 })
          },
          acute: group.acute.map(code))
      }
      cancerGroup = SampleGenerator.conditionGroups.firstIndex { $0.name == "cancer" }!
      emergencyCodes = EncounterCodes.emergency.map(code)
      urgentCareCodes = EncounterCodes.urgentCare.map(code)
      officeCodes = EncounterCodes.office.map(code)
      acuteStayCodes = EncounterCodes.acuteStay.map(code)
      electiveStayCodes = EncounterCodes.electiveStay.map(code)
      caseManagementCodes = EncounterCodes.caseManagement.map(code)
      socialNeedCodes = EncounterCodes.socialNeed.map(code)
      codes = ByteTable(codeStrings)
      panel = Panel(patients: options.patients)
      femaleNames = ByteTable(Names.female)
      maleNames = ByteTable(Names.male)
      lastNames = ByteTable(Names.last)
    }
  }

  /// payer values written to patients.csv.
  enum Payer: String, CaseIterable, Sendable {
    case medicare, medicaid, commercial, `self`
  }
}
