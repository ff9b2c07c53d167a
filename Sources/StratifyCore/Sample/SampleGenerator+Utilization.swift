import Foundation

extension SampleGenerator {
  /// One row of utilization.csv.
  struct Event {
    /// Who the event was with; its id comes from the matching panel table.
    enum Provider {
      case none
      case pcp(Int)
      case caseManager(Int)
      case edClinician(Int)
      case urgentCare(Int)
    }

    var day: Day
    var type: EventType
    var provider: Provider
    /// Code index, or nil when the row has no primary_dx (no-shows, a few missing).
    var dx: Int?
  }

  /// Event types in `EventType.allCases` order, kept so the hot loop does not rebuild the array.
  static let eventTypes = EventType.allCases

  /// Relative utilization: a healthy adult visits a few times a year, the sickest many times more.
  static func utilizationWeight(_ patient: Profile) -> Double { 0.6 + 0.45 * min(patient.acuity, 12) }

  /// Share of the two-year window the patient was alive for (deaths shorten it).
  static func windowShare(_ patient: Profile, asOf: Day) -> Double {
    guard let death = patient.deceasedDate else { return 1 }
    return Double(death - (asOf - 729) + 1) / 730
  }

  /// The patient's utilization over the two years before as-of (or before death), sorted by date: a
  /// negative-binomial number of routine events (Poisson mixed with a gamma of shape 2: some patients have none,
  /// heavy users 60+), plus the events around each stay (see `stayEvents`).
  ///
  /// Event-type shares per patient: office ≈ 60–70 %, telehealth 14 %, urgent care 4–6 %, ED 1.5–6.5 % rising with
  /// acuity (+20 % for frequent ED users), no-shows 2, 8 or 22 % by habit, case-management contacts only for
  /// patients with a case manager, rising with acuity.
  static func makeEvents(
    for patient: Profile, stays: [Stay], scale: Double, random: inout Random, tables: Tables, asOf: Day
  ) -> [Event] {
    let start = asOf - 729
    let end = patient.deceasedDate ?? asOf
    let mean = scale * utilizationWeight(patient) * windowShare(patient, asOf: asOf) * random.gamma(shape: 2)
    let count = random.poisson(mean)
    var events: [Event] = []
    events.reserveCapacity(count + 3 * stays.count)
    let acuity = min(patient.acuity, 8)
    var shares: [Double] = [
      0.015 + 0.006 * acuity + (patient.frequentED ? 0.2 : 0),  // ed
      patient.age < 45 ? 0.06 : 0.04,  // urgent_care
      0,  // office: the remainder
      0.14,  // telehealth
      patient.noShowRate,  // no_show
      patient.caseManager == nil ? 0.004 : 0.015 + 0.02 * acuity,  // cm_contact
    ]
    let others = shares.reduce(0, +)
    if others > 0.6 { shares = shares.map { $0 * 0.6 / others } }
    shares[2] = 1 - min(others, 0.6)
    let cumulativeShares = cumulative(shares)
    let span = end - start + 1
    for _ in 0..<count {
      let type = eventTypes[random.pick(cumulative: cumulativeShares)]
      var day = start + random.int(below: span)
      if type.isScheduled { day = weekday(near: day, within: start...end) }
      events.append(makeEvent(type, on: day, for: patient, random: &random, tables: tables))
    }
    stayEvents(for: patient, stays: stays, through: end, into: &events, random: &random, tables: tables)
    events.sort { $0.day < $1.day }
    return events
  }

  /// Events a stay brings: the ED visit that led to an emergency admission (3 in 4), and after a discharge home a
  /// case-management call within 1–5 days (60 % with a case manager, 15 % without) and a visit within 2–14 days
  /// (55 %, a quarter by telehealth). Only what happened by `end` is kept, so among recent discharges some follow-ups
  /// are done and others still open.
  static func stayEvents(
    for patient: Profile, stays: [Stay], through end: Day, into events: inout [Event], random: inout Random,
    tables: Tables
  ) {
    for stay in stays {
      if stay.admitType == .emergency, random.chance(0.75) {
        let clinician = Event.Provider.edClinician(random.int(below: tables.panel.edClinicians.count))
        events.append(Event(day: stay.admit, type: .ed, provider: clinician, dx: stay.dx))
      }
      guard [.home, .homeHealth, .ama, .other].contains(stay.disposition) else { continue }
      if random.chance(patient.caseManager == nil ? 0.15 : 0.6) {
        let day = weekday(after: stay.discharge + random.int(in: 1...5))
        if day <= end {
          var event = makeEvent(.cmContact, on: day, for: patient, random: &random, tables: tables)
          event.dx = random.chance(0.5) ? stay.dx : tables.caseManagementCodes[0]
          events.append(event)
        }
      }
      if random.chance(0.55) {
        let day = weekday(after: stay.discharge + random.int(in: 2...14))
        if day <= end {
          var event = makeEvent(
            random.chance(0.75) ? .office : .telehealth, on: day, for: patient, random: &random,
            tables: tables)
          event.dx = random.chance(0.6) ? stay.dx : tables.caseManagementCodes[0]
          events.append(event)
        }
      }
    }
  }

  /// An event of `type` on `day` with a provider and a primary diagnosis that fit the setting and the patient.
  static func makeEvent(_ type: EventType, on day: Day, for patient: Profile, random: inout Random, tables: Tables)
    -> Event
  {
    let panel = tables.panel
    var provider: Event.Provider
    var dx: Int?
    func any(_ codes: [Int]) -> Int { codes[random.int(below: codes.count)] }
    let hasConditions = !patient.conditions.isEmpty
    switch type {
    case .office, .telehealth, .noShow:
      let range = panel.pcpRanges[patient.practice]
      provider = .pcp(random.chance(0.85) ? patient.pcp : range.lowerBound + random.int(below: range.count))
      if type != .noShow {
        dx =
          hasConditions && random.chance(0.65)
          ? patient.conditions[random.int(below: patient.conditions.count)]
          : any(tables.officeCodes)
      }
    case .cmContact:
      let range = panel.caseManagerRanges[patient.practice]
      provider = .caseManager(patient.caseManager ?? range.lowerBound + random.int(below: range.count))
      if let need = patient.socialNeeds.first, random.chance(0.3) {
        dx = tables.socialNeedCodes[need.rawValue]
      } else if hasConditions, random.chance(0.6) {
        dx = patient.conditions[random.int(below: patient.conditions.count)]
      } else {
        dx = any(tables.caseManagementCodes)
      }
    case .ed:
      provider = .edClinician(random.int(below: panel.edClinicians.count))
      dx =
        !patient.flareCodes.isEmpty && random.chance(0.3 + 0.03 * min(patient.acuity, 10))
        ? patient.flareCodes[random.int(below: patient.flareCodes.count)] : any(tables.emergencyCodes)
    case .urgentCare:
      provider = .urgentCare(random.int(below: panel.urgentCareClinicians.count))
      dx = any(tables.urgentCareCodes)
    }
    // A few rows miss a provider or a diagnosis, as real feeds do.
    if random.chance(0.02) { provider = .none }
    if random.chance(0.03) { dx = nil }
    return Event(day: day, type: type, provider: provider, dx: dx)
  }

  /// The nearest weekday to `day` (a weekend day moves to the Friday before, or the Monday after when that is out of
  /// the window), for visits that only happen on business days.
  static func weekday(near day: Day, within window: ClosedRange<Day>) -> Day {
    let weekday = day.isoWeekday
    guard weekday >= 6 else { return day }
    let friday = day - (weekday - 5)
    if window.contains(friday) { return friday }
    let monday = day + (8 - weekday)
    return window.contains(monday) ? monday : day
  }

  /// `day`, or the Monday after when it falls on a weekend.
  static func weekday(after day: Day) -> Day {
    let weekday = day.isoWeekday
    return weekday >= 6 ? day + (8 - weekday) : day
  }
}

extension EventType {
  /// Booked visits and calls happen on business days; ED and urgent care any day.
  fileprivate var isScheduled: Bool { self != .ed && self != .urgentCare }
}
