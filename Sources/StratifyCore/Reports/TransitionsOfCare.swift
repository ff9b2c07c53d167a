/// Transitions of care over the 30 days to the as-of date: the window is `(as_of − 30 days, as_of]`, i.e. from
/// `window_start = as_of − 29 days` to `window_end = as_of`, both included.
///
/// Each follow-up measure counts the discharges of the window whose deadline has passed (`eligible`: the
/// deadline is on or before the as-of date, so the outcome is known) and those of them that met it; discharges whose
/// deadline is still ahead are `pending` and left out of the share, so a discharge yesterday never counts as missed.
public struct TransitionsOfCare: Codable, Equatable, Sendable {
  public var windowStart: String
  public var windowEnd: String
  /// Stays with a discharge_date in the window (every disposition).
  public var discharges: Int
  /// Distinct patients among them.
  public var patientsDischarged: Int
  /// A `cm_contact` on the discharge date or within the 2 business days after it (weekends and holidays of the run's
  /// calendar do not count): deadline = `business_days_after(discharge_date, 2)`.
  public var contactWithinTwoBusinessDays: FollowUpMeasure
  /// An `office` or `telehealth` visit after the discharge date and at most 7 calendar days after it.
  public var visitWithinSevenDays: FollowUpMeasure
  /// An `office` or `telehealth` visit after the discharge date and at most 14 calendar days after it.
  public var visitWithinFourteenDays: FollowUpMeasure
  /// Stays with an admit_date in the window.
  public var admissions: Int
  /// Those admissions that began within 30 days after an earlier discharge of the same patient (the other stay's
  /// discharge_date ≤ admit_date ≤ discharge_date + 30 days; the earlier discharge may lie before the window).
  public var thirtyDayReadmissions: Int
  /// `thirty_day_readmissions / admissions`, rounded to 4 decimals; nil without admissions.
  public var readmissionShare: Double?

  /// One follow-up measure.
  public struct FollowUpMeasure: Codable, Equatable, Sendable {
    /// Discharges of the window whose deadline is on or before the as-of date.
    public var eligible: Int
    /// Eligible discharges with the follow-up by the deadline.
    public var met: Int
    /// Discharges of the window whose deadline is after the as-of date.
    public var pending: Int
    /// `met / eligible`, rounded to 4 decimals; nil when nothing is eligible.
    public var share: Double?

    init(eligible: Int = 0, met: Int = 0, pending: Int = 0) {
      self.eligible = eligible
      self.met = met
      self.pending = pending
      share = Figures.share(met, of: eligible)
    }

    mutating func count(deadline: Day, asOf: Day, met wasMet: Bool) {
      if deadline > asOf {
        pending += 1
      } else {
        eligible += 1
        if wasMet { met += 1 }
      }
      share = Figures.share(met, of: eligible)
    }
  }

  /// The discharges whose follow-up the figures look at: those of the 30 days up to `asOf`.
  public static func dischargeWindow(asOf: Day) -> ClosedRange<Day> { (asOf - 29)...asOf }

  /// The utilization rows these figures read, for a run as of `asOf`: contacts and visits from the window's first
  /// day on (a follow-up can only count on or after its discharge; one after the as-of date is never seen, since
  /// its deadline would still be ahead), of the patients discharged in `dischargeWindow(asOf:)`.
  public static func eventRetention(asOf: Day) -> EventRetention {
    var retention = EventRetention.nothing(latest: asOf)
    retention.include([.cmContact, .office, .telehealth], from: asOf - 29)
    return retention
  }

  /// Computes the figures for the patients `patients` (indices into `data`).
  public init(data: PatientData, patients: some Sequence<Int>, asOf: Day, calendar: BusinessCalendar) {
    let first = asOf - 29
    windowStart = first.description
    windowEnd = asOf.description
    discharges = 0
    patientsDischarged = 0
    contactWithinTwoBusinessDays = FollowUpMeasure()
    visitWithinSevenDays = FollowUpMeasure()
    visitWithinFourteenDays = FollowUpMeasure()
    admissions = 0
    thirtyDayReadmissions = 0
    // Most patients have no stay: told by their offsets, before taking a slice of the stays.
    let stayOffsets = data.discharges.offsets
    for p in patients {
      guard stayOffsets[p] != stayOffsets[p + 1] else { continue }
      let stays = data.discharges[p]
      let events = data.utilization[p]
      var discharged = false
      for k in stays.indices {
        let stay = stays[k]
        if stay.admitDate >= first && stay.admitDate <= asOf {
          admissions += 1
          if Self.isReadmission(k, among: stays) { thirtyDayReadmissions += 1 }
        }
        let out = stay.dischargeDate
        guard out >= first && out <= asOf else { continue }
        discharges += 1
        discharged = true
        let contactDeadline = calendar.businessDays(2, after: out)
        let contacted = events.contains { $0.type == .cmContact && $0.date >= out && $0.date <= contactDeadline }
        contactWithinTwoBusinessDays.count(deadline: contactDeadline, asOf: asOf, met: contacted)
        let visits = events.filter { ($0.type == .office || $0.type == .telehealth) && $0.date > out }.map(\.date)
        visitWithinSevenDays.count(deadline: out + 7, asOf: asOf, met: visits.contains { $0 <= out + 7 })
        visitWithinFourteenDays.count(deadline: out + 14, asOf: asOf, met: visits.contains { $0 <= out + 14 })
      }
      if discharged { patientsDischarged += 1 }
    }
    readmissionShare = Figures.share(thirtyDayReadmissions, of: admissions)
  }

  /// The figures of a population made of the disjoint populations `parts` (a whole organization from its practices):
  /// every count is the sum of the parts' counts, every share computed from those sums.
  init(merging parts: [TransitionsOfCare], asOf: Day) {
    windowStart = (asOf - 29).description
    windowEnd = asOf.description
    discharges = parts.reduce(0) { $0 + $1.discharges }
    patientsDischarged = parts.reduce(0) { $0 + $1.patientsDischarged }
    func merged(_ measure: KeyPath<TransitionsOfCare, FollowUpMeasure>) -> FollowUpMeasure {
      FollowUpMeasure(
        eligible: parts.reduce(0) { $0 + $1[keyPath: measure].eligible },
        met: parts.reduce(0) { $0 + $1[keyPath: measure].met },
        pending: parts.reduce(0) { $0 + $1[keyPath: measure].pending })
    }
    contactWithinTwoBusinessDays = merged(\.contactWithinTwoBusinessDays)
    visitWithinSevenDays = merged(\.visitWithinSevenDays)
    visitWithinFourteenDays = merged(\.visitWithinFourteenDays)
    admissions = parts.reduce(0) { $0 + $1.admissions }
    thirtyDayReadmissions = parts.reduce(0) { $0 + $1.thirtyDayReadmissions }
    readmissionShare = Figures.share(thirtyDayReadmissions, of: admissions)
  }

  /// Whether stay `k` began within 30 days after another stay's discharge (the discharge day itself included). Of
  /// two same-day stays only the later one in (admit_date, file order) counts, so they never count each other.
  static func isReadmission(_ k: Int, among stays: ArraySlice<DischargeRecord>) -> Bool {
    let admit = stays[k].admitDate
    return stays.indices.contains { j in
      j != k && stays[j].dischargeDate <= admit && admit <= stays[j].dischargeDate + 30
        && (stays[j].admitDate.number, j) < (admit.number, k)
    }
  }
}
