import Testing

@testable import StratifyCore

/// Transitions of care on the hand-computed panel of `MetricsFixture` (as of Monday 2026-11-30).
@Suite struct TransitionsOfCareTests {
  func figures(extraHolidays: [String] = []) -> TransitionsOfCare {
    let f = MetricsFixture.self
    return TransitionsOfCare(
      data: f.data, patients: 0..<f.patients.count, asOf: f.asOf,
      calendar: BusinessCalendar.usFederal.adding(extraHolidays.map(f.day)))
  }

  @Test func theWindowIsTheThirtyDaysEndingOnTheAsOfDate() {
    let t = figures()
    #expect(t.windowStart == "2026-11-01")
    #expect(t.windowEnd == "2026-11-30")
    // P1 11-25, P2 11-06 and 11-18, P3 11-12; P3's 10-20 discharge is before the window.
    #expect(t.discharges == 4)
    #expect(t.patientsDischarged == 3)
  }

  /// P1 leaves Wednesday 11-25: with Thanksgiving (Thu) the 2 business days are Fri 11-27 and Mon 11-30, the contact
  /// on 11-30 meets it. P2's 11-06 stay is due Tue 11-10 and the 11-11 contact is late; P2's 11-18 stay is contacted
  /// on the discharge day itself; P3's 11-12 stay is due Mon 11-16 and contacted then.
  @Test func contactWithinTwoBusinessDaysAcrossThanksgiving() {
    let contact = figures().contactWithinTwoBusinessDays
    #expect(contact.eligible == 4)
    #expect(contact.met == 3)
    #expect(contact.pending == 0)
    #expect(contact.share == 0.75)
  }

  /// With the Friday after Thanksgiving closed too, P1's deadline moves to Tue 12-01, after the as-of date: pending.
  @Test func aDeadlineStillAheadIsPendingNotMissed() {
    let contact = figures(extraHolidays: ["2026-11-27"]).contactWithinTwoBusinessDays
    #expect(contact.eligible == 3)
    #expect(contact.met == 2)
    #expect(contact.pending == 1)
    #expect(contact.share == 0.6667)
  }

  /// 7 days: P1 pending (12-02); P2 11-06 met by the 11-12 office visit; P2 11-18 missed; P3 11-12 missed (the office
  /// visit on the discharge day does not count, the telehealth visit on 11-26 is 14 days later).
  /// 14 days: P1 and P2 11-18 pending (12-09, 12-02); P2 11-06 met; P3 met on day 14 exactly.
  @Test func followUpVisitsWithinSevenAndFourteenDays() {
    let t = figures()
    #expect(t.visitWithinSevenDays == TransitionsOfCare.FollowUpMeasure(eligible: 3, met: 1, pending: 1))
    #expect(t.visitWithinSevenDays.share == 0.3333)
    #expect(t.visitWithinFourteenDays == TransitionsOfCare.FollowUpMeasure(eligible: 2, met: 2, pending: 2))
    #expect(t.visitWithinFourteenDays.share == 1)
  }

  /// Admissions in the window: P1 11-20, P2 11-02 and 11-15, P3 11-10. Readmissions: P2 11-15 (9 days after 11-06)
  /// and P3 11-10 (21 days after a discharge before the window).
  @Test func thirtyDayReadmissions() {
    let t = figures()
    #expect(t.admissions == 4)
    #expect(t.thirtyDayReadmissions == 2)
    #expect(t.readmissionShare == 0.5)
  }

  @Test func readmissionBoundaries() {
    let d = MetricsFixture.day
    let stays: ArraySlice<DischargeRecord> = [
      DischargeRecord(admitDate: d("2026-01-01"), dischargeDate: d("2026-01-05")),
      DischargeRecord(admitDate: d("2026-02-04"), dischargeDate: d("2026-02-06")),  // day 30: a readmission
      DischargeRecord(admitDate: d("2026-03-09"), dischargeDate: d("2026-03-10")),  // day 31 after 02-06: not
    ]
    #expect(!TransitionsOfCare.isReadmission(0, among: stays))
    #expect(TransitionsOfCare.isReadmission(1, among: stays))
    #expect(!TransitionsOfCare.isReadmission(2, among: stays))
  }

  @Test func noDischargesGiveNoShares() {
    let f = MetricsFixture.self
    let t = TransitionsOfCare(data: f.data, patients: [3, 4, 5], asOf: f.asOf, calendar: .usFederal)
    #expect(t.discharges == 0)
    #expect(t.contactWithinTwoBusinessDays.share == nil)
    #expect(t.readmissionShare == nil)
  }
}
