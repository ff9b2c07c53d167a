import Foundation

extension SampleGenerator {
  /// One generated patient before it is written: demographics, attribution, conditions, and the hidden traits
  /// (acuity, no-show habit, frequent ED use, decline) that shape the utilization and stays drawn for them.
  struct Profile {
    var index: Int
    var age: Int
    var birthDate: Day
    /// 0 = F, 1 = M, 2 = X.
    var sex: Int
    var firstName: Int
    var lastName: Int
    /// Area code (one per practice) and the last two digits of a 555-01xx number; nil when no phone is on file.
    var phone: (area: Int, line: Int)?
    var practice: Int
    var pcp: Int
    var caseManager: Int?
    var payer: Payer?
    /// Code indices of the problem list, in catalog order (a primary cancer implied by metastases comes last).
    var conditions: [Int] = []
    /// The codes an ED visit or a stay for a flare-up of one of the patient's conditions carries.
    var flareCodes: [Int] = []
    /// Charlson categories present, one bit each (`CharlsonCategory.bit`).
    var charlson: UInt32 = 0
    /// Age-adjusted Charlson index plus a little for each other chronic condition: how sick the patient is.
    var acuity = 0.0
    var medications: Int?
    var socialNeeds: [SocialNeed] = []
    var hospice: Bool?
    var deceasedDate: Day?
    /// Share of scheduled visits missed: most patients rarely, a few often.
    var noShowRate = 0.02
    var frequentED = false
    /// Hospice, deceased, metastatic or very sick: stays cluster in the last months.
    var declining = false

    func has(_ category: CharlsonCategory) -> Bool { charlson & category.bit != 0 }
  }

  /// Age bands of an adult primary-care panel (US adults 18+, Census 2020, with a slightly older panel since older
  /// adults see a PCP more): 65+ ≈ 23 %, 75+ ≈ 10 %, 85+ ≈ 2.5 %.
  static let ageBands: [(range: ClosedRange<Int>, weight: Double)] = [
    (18...34, 24), (35...49, 24), (50...64, 29), (65...74, 13), (75...84, 7.5), (85...99, 2.5),
  ]
  static let ageCumulative = cumulative(ageBands.map(\.weight))

  /// Draws patient `index` (0-based) from its random stream.
  static func makeProfile(index: Int, random: inout Random, tables: Tables, asOf: Day) -> Profile {
    let band = ageBands[random.pick(cumulative: ageCumulative)].range
    let age = random.int(in: band)
    let birthDate = asOf - (Int(Double(age) * 365.2425) + 1 + random.int(below: 364))
    // Women are a little over half of a primary-care panel; a few patients record another sex.
    let u = random.uniform()
    let sex = u < 0.54 ? 0 : (u < 0.995 ? 1 : 2)
    let practice = random.pick(cumulative: tables.panel.practiceCumulative)
    let pcpRange = tables.panel.pcpRanges[practice]
    var patient = Profile(
      index: index, age: age, birthDate: birthDate, sex: sex,
      firstName: random.int(below: sex == 1 ? tables.maleNames.count : tables.femaleNames.count),
      lastName: random.int(below: tables.lastNames.count),
      phone: random.chance(0.95) ? (practice, random.int(below: 100)) : nil,
      practice: practice, pcp: pcpRange.lowerBound + random.int(below: pcpRange.count),
      payer: drawPayer(age: age, random: &random))
    drawConditions(for: &patient, random: &random, tables: tables)
    drawCare(for: &patient, random: &random, tables: tables, asOf: asOf)
    return patient
  }

  /// Medicare for nearly all 65+; under 65, employer coverage for most, Medicaid for about a fifth, some uninsured
  /// (self-pay), a few on disability Medicare (KFF coverage shares, rounded).
  static func drawPayer(age: Int, random: inout Random) -> Payer? {
    let u = random.uniform()
    if u < 0.005 { return nil }
    if age >= 65 { return u < 0.90 ? .medicare : (u < 0.97 ? .commercial : (u < 0.99 ? .medicaid : .self)) }
    return u < 0.66 ? .commercial : (u < 0.88 ? .medicaid : (u < 0.91 ? .medicare : .self))
  }

  /// Chronic conditions: each group is present with its age-band prevalence raised to the patient's frailty
  /// (log-normal, mean ≈ 1), so a frail patient collects several conditions and most collect none or one.
  static func drawConditions(for patient: inout Profile, random: inout Random, tables: Tables) {
    let band = patient.age < 45 ? 0 : (patient.age < 65 ? 1 : (patient.age < 80 ? 2 : 3))
    let frailty = exp(0.85 * random.normal() - 0.36)
    var otherCount = 0
    func add(_ group: Tables.Group) {
      let k = random.pick(cumulative: group.cumulativeBySex[patient.sex])
      patient.conditions.append(group.codes[k])
      if let acute = group.acute { patient.flareCodes.append(acute) }
      if let category = group.charlson[k] { patient.charlson |= category.bit } else { otherCount += 1 }
    }
    for group in tables.groups {
      let cumulative = group.cumulativeBySex[patient.sex]
      guard cumulative[cumulative.count - 1] > 0 else { continue }
      if random.uniform() < 1 - exp(frailty * group.logAbsent[band]) { add(group) }
    }
    if patient.has(.metacanc), !patient.has(.canc) { add(tables.groups[tables.cancerGroup]) }
    let charlsonPoints = CharlsonCategory.allCases.reduce(0) { patient.has($1) ? $0 + $1.weight : $0 }
    let agePoints = Double(max(0, min(4, (patient.age - 40) / 10)))
    patient.acuity = charlsonPoints + agePoints + 0.3 * Double(otherCount)
  }
}
