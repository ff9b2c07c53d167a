import Foundation

extension SampleGenerator {
  /// One inpatient or observation stay of discharges.csv.
  struct Stay {
    var admit: Day
    var discharge: Day
    var facility: Int
    var admitType: AdmitType
    var disposition: Disposition
    var dx: Int
  }

  /// Length of stay in days: observation stays (0 days) about 1 in 6, a median of 3, 4 % of two weeks or more,
  /// so every LACE length band (<1, 1, 2, 3, 4–6, 7–13, ≥14) is well populated (US mean LOS ≈ 4.6, HCUP).
  static let stayLengths: [(days: ClosedRange<Int>, weight: Double)] = [
    (0...0, 16), (1...1, 14), (2...2, 16), (3...3, 14), (4...4, 10), (5...5, 7), (6...6, 5), (7...13, 14),
    (14...29, 4),
  ]
  static let stayLengthCumulative = cumulative(stayLengths.map(\.weight))

  /// Relative hospitalization rate: grows steeply with acuity, so stays concentrate in the sickest patients.
  static func stayWeight(_ patient: Profile) -> Double { exp(0.28 * min(patient.acuity, 12)) }

  /// The stays of a patient over the two years before as-of (or before death), oldest first, never overlapping and
  /// never after as-of. `scale` is calibrated so the panel averages about 0.3 stays per patient.
  static func makeStays(for patient: Profile, scale: Double, random: inout Random, tables: Tables, asOf: Day) -> [Stay]
  {
    let start = asOf - 729
    var end = patient.deceasedDate ?? asOf
    var terminal: Stay?
    if let death = patient.deceasedDate, random.chance(0.45) {
      var stay = drawStay(for: patient, emergency: true, random: &random, tables: tables)
      let days = random.int(in: 1...9)
      (stay.admit, stay.discharge, stay.disposition) = (death - days, death, .expired)
      terminal = stay
      end = stay.admit - 1
    }
    var stays: [Stay] = []
    let count = random.poisson(scale * stayWeight(patient))
    if count > 0, end >= start {
      let anchors = (0..<count).map { _ in dischargeDay(for: patient, from: start, through: end, random: &random) }
      var lastDischarge = start - 1
      for anchor in anchors.sorted() {
        var stay = drawStay(for: patient, emergency: false, random: &random, tables: tables)
        let days = stay.discharge - stay.admit
        stay.discharge = anchor
        stay.admit = anchor - days
        if stay.admit <= lastDischarge {
          stay.admit = lastDischarge + 1 + random.int(below: 14)
          stay.discharge = stay.admit + days
        }
        guard stay.discharge <= end else { break }
        stays.append(stay)
        lastDischarge = stay.discharge
        // 30-day readmissions: about 6 % of stays for the healthiest, 18 % for the sickest.
        if random.chance(0.06 + 0.015 * min(patient.acuity, 8)) {
          var readmission = drawStay(for: patient, emergency: true, random: &random, tables: tables)
          let length = readmission.discharge - readmission.admit
          readmission.admit = stay.discharge + random.int(in: 1...30)
          readmission.discharge = readmission.admit + length
          if random.chance(0.7) { readmission.facility = stay.facility }
          if readmission.discharge <= end {
            stays.append(readmission)
            lastDischarge = readmission.discharge
          }
        }
      }
    }
    if let terminal { stays.append(terminal) }
    if patient.hospice == true, let last = stays.indices.last, stays[last].disposition != .expired,
      random.chance(0.5)
    {
      stays[last].disposition = .hospice
    }
    return stays
  }

  /// A stay's length, admit type, disposition, facility and diagnosis; dates are set by the caller (the admit is
  /// `discharge − length` here).
  static func drawStay(for patient: Profile, emergency: Bool, random: inout Random, tables: Tables) -> Stay {
    let lengths = stayLengths[random.pick(cumulative: stayLengthCumulative)].days
    var days = random.int(in: lengths)
    if patient.acuity >= 6, random.chance(0.3) { days += random.int(in: 0...4) }
    let u = random.uniform()
    let admitType: AdmitType
    if emergency || days == 0 {
      admitType = u < 0.88 ? .emergency : (u < 0.97 ? .urgent : .elective)
    } else {
      admitType = u < 0.68 ? .emergency : (u < 0.80 ? .urgent : .elective)
    }
    let dx: Int
    if admitType == .elective {
      dx = tables.electiveStayCodes[random.int(below: tables.electiveStayCodes.count)]
    } else if !patient.flareCodes.isEmpty, random.chance(0.45) {
      dx = patient.flareCodes[random.int(below: patient.flareCodes.count)]
    } else {
      dx = tables.acuteStayCodes[random.int(below: tables.acuteStayCodes.count)]
    }
    return Stay(
      admit: Day(number: Int32(-days)), discharge: Day(number: 0),
      facility: random.pick(cumulative: tables.panel.facilityCumulative), admitType: admitType,
      disposition: drawDisposition(age: patient.age, observation: days == 0, random: &random), dx: dx)
  }

  /// Where patients go after a stay (not death or hospice: those are set from the patient's course): mostly home,
  /// then home health and skilled nursing, which grow with age (CMS/HCUP discharge-status shares, rounded).
  static func drawDisposition(age: Int, observation: Bool, random: inout Random) -> Disposition {
    let table: [(Disposition, Double)]
    if observation {
      table = [(.home, 90), (.homeHealth, 5), (.ama, 2), (.other, 3)]
    } else if age < 65 {
      table = [(.home, 75), (.homeHealth, 12), (.snf, 4), (.irf, 2), (.ltach, 0.5), (.ama, 3), (.other, 3.5)]
    } else if age < 80 {
      table = [(.home, 58), (.homeHealth, 22), (.snf, 12), (.irf, 3), (.ltach, 1), (.ama, 1.5), (.other, 2.5)]
    } else {
      table = [(.home, 42), (.homeHealth, 26), (.snf, 23), (.irf, 3), (.ltach, 1.5), (.ama, 0.5), (.other, 4)]
    }
    let target = random.uniform() * table.reduce(0) { $0 + $1.1 }
    var sum = 0.0
    for (disposition, weight) in table {
      sum += weight
      if target < sum { return disposition }
    }
    return table[0].0
  }

  /// A discharge date in `start...end`: uniform over the window, except that the stays of declining patients (and
  /// a few others: newly attributed patients, survivors of recent stays) lean toward the last months; fewer
  /// discharges on weekends, more on Fridays and twice as many on the Wednesday before Thanksgiving.
  static func dischargeDay(for patient: Profile, from start: Day, through end: Day, random: inout Random) -> Day {
    let span = end - start + 1
    while true {
      let day: Day
      if random.chance(patient.declining ? 0.45 : 0.12) {
        day = end - min(span - 1, Int(-120 * log(1 - random.uniform())))
      } else {
        day = start + random.int(below: span)
      }
      if random.uniform() * 2 < dischargeWeight(day) { return day }
    }
  }

  /// Relative number of discharges on `day` (at most 2).
  static func dischargeWeight(_ day: Day) -> Double {
    switch day.isoWeekday {
    case 3 where isDayBeforeThanksgiving(day): return 2
    case 5: return 1.25
    case 6: return 0.6
    case 7: return 0.5
    default: return 1
    }
  }

  /// True for the Wednesday before the fourth Thursday of November (US Thanksgiving).
  static func isDayBeforeThanksgiving(_ day: Day) -> Bool {
    let (year, month, dayOfMonth) = day.components
    guard month == 11, let first = Day(year: year, month: 11, day: 1) else { return false }
    let firstThursday = 1 + (4 - first.isoWeekday + 7) % 7
    return dayOfMonth == firstThursday + 21 - 1
  }
}
