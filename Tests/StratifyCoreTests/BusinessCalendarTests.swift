import Testing

@testable import StratifyCore

@Suite struct BusinessCalendarTests {
  let calendar = BusinessCalendar.usFederal

  @Test func dischargeTheWednesdayBeforeThanksgivingIsDueTheMondayAfter() {
    #expect(calendar.businessDays(2, after: Day(iso: "2026-11-25")!) == Day(iso: "2026-11-30"))
  }

  @Test func weekendsNeverCount() {
    // Friday + 2 business days = Tuesday.
    #expect(calendar.businessDays(2, after: Day(iso: "2026-10-16")!) == Day(iso: "2026-10-20"))
    #expect(calendar.businessDays(0, after: Day(iso: "2026-10-17")!) == Day(iso: "2026-10-19"))
  }

  @Test(arguments: [
    ("2026-01-01", "New Year's Day"), ("2026-01-19", "Martin Luther King Jr. Day"),
    ("2026-02-16", "Washington's Birthday"),
    ("2026-05-25", "Memorial Day"), ("2026-06-19", "Juneteenth"), ("2026-07-03", "Independence Day observed (Friday)"),
    ("2026-09-07", "Labor Day"), ("2026-10-12", "Columbus Day"), ("2026-11-11", "Veterans Day"),
    ("2026-11-26", "Thanksgiving"), ("2026-12-25", "Christmas"), ("2027-12-24", "Christmas observed (Friday)"),
    ("2027-12-31", "New Year's Day 2028 observed (Friday)"), ("2028-07-04", "Independence Day"),
    ("2027-06-18", "Juneteenth observed (Friday)"), ("2022-12-26", "Christmas observed (Monday)"),
  ])
  func federalHolidaysAreObserved(date: String, name: String) {
    #expect(!calendar.isBusinessDay(Day(iso: date)!), "\(name)")
  }

  @Test func theSaturdayHolidayItselfIsAWeekendDayAndTheFridayIsTheHoliday() {
    #expect(calendar.holidays.contains(Day(iso: "2026-07-03")!))
    #expect(!calendar.holidays.contains(Day(iso: "2026-07-04")!))
  }

  @Test func juneteenthOnlyFrom2021() {
    #expect(calendar.isBusinessDay(Day(iso: "2020-06-19")!))
  }

  @Test func addedHolidaysCount() {
    let local = calendar.adding([Day(iso: "2026-11-27")!])
    #expect(local.businessDays(2, after: Day(iso: "2026-11-25")!) == Day(iso: "2026-12-01"))
  }

  @Test func businessDaysBetweenIsSignedAndSkipsHolidays() {
    let wed = Day(iso: "2026-11-25")!
    let mon = Day(iso: "2026-11-30")!
    #expect(calendar.businessDaysBetween(wed, mon) == 2)
    #expect(calendar.businessDaysBetween(mon, wed) == -2)
  }
}
