import Foundation

extension SampleGenerator {
  /// Medications, social needs, case-manager assignment, hospice, death and behaviour traits, all leaning on the
  /// patient's acuity so that the sickest patients carry the risk factors together, as they do in practice.
  static func drawCare(for patient: inout Profile, random: inout Random, tables: Tables, asOf: Day) {
    let acuity = patient.acuity
    // About 1.3 active medications per chronic condition plus a little per year past 50, gamma-mixed; polypharmacy
    // (≥ 10) ends up in roughly 1 patient in 12, mostly older multimorbid ones. 2 % unknown (empty).
    if random.chance(0.98) {
      let mean = 0.4 + 1.3 * Double(patient.conditions.count) + 0.04 * Double(max(0, patient.age - 50))
      patient.medications = min(35, random.poisson(mean * random.gamma(shape: 4)))
    }
    // Social needs: about one patient in five screens positive, more often with Medicaid or no coverage.
    var needShare: Double
    switch patient.payer {
    case .medicaid: needShare = 0.38
    case .`self`: needShare = 0.35
    case .medicare: needShare = 0.18
    case .commercial: needShare = 0.09
    case nil: needShare = 0.2
    }
    if patient.age >= 80 { needShare += 0.05 }
    if random.chance(needShare) {
      let u = random.uniform()
      let count = u < 0.6 ? 1 : (u < 0.88 ? 2 : 3)
      var weights = SocialNeed.allCases.map { $0.weight(age: patient.age) }
      for _ in 0..<count {
        let k = random.pick(cumulative: cumulative(weights))
        patient.socialNeeds.append(SocialNeed(rawValue: k)!)
        weights[k] = 0
      }
      patient.socialNeeds.sort { $0.rawValue < $1.rawValue }
    }
    // Hospice (~1 %): older and sicker patients, metastatic cancer, advanced dementia. 1 % of rows leave it empty.
    var hospiceShare = patient.age >= 65 ? 0.008 + 0.045 * max(0, acuity - 5) : 0
    if patient.has(.metacanc) { hospiceShare += 0.2 }
    if patient.has(.dementia), patient.age >= 80 { hospiceShare += 0.08 }
    patient.hospice = random.chance(0.99) ? random.chance(min(0.6, hospiceShare)) : nil
    // A few patients died recently and are still on the panel (deaths are mostly in the last few months).
    let deathShare = 0.001 + 0.005 * max(0, acuity - 4) + (patient.hospice == true ? 0.3 : 0)
    if random.chance(min(0.7, deathShare)) {
      patient.deceasedDate = asOf - min(729, Int(-75 * log(1 - random.uniform())))
    }
    // Case managers are assigned to about 80 % of patients, nearly all of the sick ones.
    if random.chance(min(0.97, 0.74 + 0.04 * acuity)) {
      let range = tables.panel.caseManagerRanges[patient.practice]
      patient.caseManager = range.lowerBound + random.int(below: range.count)
    }
    // No-shows concentrate in a minority (more often with Medicaid or self-pay); a few patients use the ED often.
    let poorAccess = patient.payer == .medicaid || patient.payer == .`self`
    let habit = random.pick(cumulative: poorAccess ? [50, 82, 100] : [72, 93, 100])
    patient.noShowRate = [0.02, 0.08, 0.22][habit]
    patient.frequentED = random.chance(
      0.012 + (poorAccess ? 0.03 : 0) + (patient.socialNeeds.isEmpty ? 0 : 0.02) + 0.004 * acuity)
    patient.declining =
      patient.hospice == true || patient.deceasedDate != nil || patient.has(.metacanc) || acuity >= 8
  }
}
