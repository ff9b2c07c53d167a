import Foundation
import Testing

@testable import StratifyCore

@Suite struct DayTests {
  @Test func roundTripsThroughComponents() {
    for n in stride(from: -719_000, to: 2_900_000, by: 997) {
      let day = Day(number: Int32(n))
      let (y, m, d) = day.components
      #expect(Day(year: y, month: m, day: d) == day)
    }
  }

  @Test func describesEveryDayAsZeroPaddedYearMonthDay() {
    // The padded form of any year (the fast path covers 0...9999), checked against the plain formula.
    for n in stride(from: -1_000_000, to: 3_000_000, by: 331) {
      let day = Day(number: Int32(n))
      let (y, m, d) = day.components
      let expected =
        String(repeating: "0", count: max(0, 4 - String(y).count)) + String(y) + "-" + (m < 10 ? "0" : "")
        + String(m) + "-" + (d < 10 ? "0" : "") + String(d)
      #expect(day.description == expected)
    }
    #expect(Day(iso: "2026-01-05")?.description == "2026-01-05")
    #expect(Day(year: 7, month: 3, day: 9)?.description == "0007-03-09")
  }

  @Test(arguments: [("2026-11-26", 4), ("2026-11-28", 6), ("1970-01-01", 4), ("2000-02-29", 2)])
  func knowsTheWeekday(text: String, weekday: Int) {
    #expect(Day(iso: text)?.isoWeekday == weekday)
  }

  @Test func parsesTimestampsAsTheirDate() {
    #expect(Day(iso: "2026-03-04T10:11:12Z") == Day(year: 2026, month: 3, day: 4))
    #expect(Day(iso: "2026-02-30") == nil)
    #expect(Day(iso: "2026-2-3") == nil)
    #expect(Day(iso: "2026-02-03junk") == nil)
  }

  /// The time of a timestamp is checked: ISO 8601's forms pass, anything else makes the value no date.
  @Test(arguments: [
    ("2026-03-04T10:11:12Z", true), ("2026-03-04 10:11:12", true), ("2026-03-04T10:11", true),
    ("2026-03-04T23:59:60.123Z", true), ("2026-03-04T10:11:12,5", true), ("2026-03-04T10:11:12+02:00", true),
    ("2026-03-04T10:11:12-0500", true), ("2026-03-04T10:11:12+02", true), ("2026-03-04T00:00:00Z", true),
    ("2026-03-04T25:00:00", false), ("2026-03-04T99:99:99", false), ("2026-03-04T08:30:00ZZZ", false),
    ("2026-03-04T08:30:00 Paul Brown", false), ("2026-03-04T08", false), ("2026-03-04T08:60", false),
    ("2026-03-04T08:30:61", false), ("2026-03-04T08:30:00.", false), ("2026-03-04T08:30:00+2", false),
    ("2026-03-04T", false), ("2026-03-04 ", false), ("2026-03-04X10:11:12", false),
    // What exports commonly write: a one-digit hour, AM/PM, a space before the zone, a zone name.
    ("2026-03-04 8:05", true), ("2026-03-04 12:00:00 AM", true), ("2026-03-04 8:05 pm", true),
    ("2026-03-04 00:00:00 +00:00", true), ("2026-03-04T10:11:12 UTC", true), ("2026-03-04 10:11:12GMT", true),
    ("2026-03-04 13:00 PM", false), ("2026-03-04 0:00 AM", false), ("2026-03-04 8:5", false),
    ("2026-03-04 8:05 XM", false), ("2026-03-04T10:11:12 UTC+1", false),
  ])
  func checksTheTimeOfATimestamp(text: String, valid: Bool) throws {
    #expect((Day(iso: text) != nil) == valid)
    #expect((try DateFormat(pattern: "DD.MM.YYYY").parse("04.03.2026" + text.dropFirst(10)) != nil) == valid)
  }

  @Test func countsWholeYearsLikeAnAge() {
    let birth = Day(iso: "1950-11-22")!
    #expect(birth.wholeYears(until: Day(iso: "2026-11-21")!) == 75)
    #expect(birth.wholeYears(until: Day(iso: "2026-11-22")!) == 76)
    #expect(Day(iso: "2024-02-29")!.wholeYears(until: Day(iso: "2025-02-28")!) == 0)
  }

  @Test func addsMonthsClampingTheDay() {
    #expect(Day(iso: "2026-01-31")!.addingMonths(1) == Day(iso: "2026-02-28"))
    #expect(Day(iso: "2026-11-15")!.addingMonths(-6) == Day(iso: "2026-05-15"))
  }
}

@Suite struct GroupedRowsTests {
  @Test func groupsRowsPerPatientKeepingFileOrder() {
    let grouped = GroupedRows(patientCount: 3, patients: [2, 0, 2, 1, 0], rows: ["a", "b", "c", "d", "e"])
    #expect(Array(grouped[0]) == ["b", "e"])
    #expect(Array(grouped[1]) == ["d"])
    #expect(Array(grouped[2]) == ["a", "c"])
  }

  @Test func sortedInputIsTakenAsItIs() {
    let grouped = GroupedRows(patientCount: 4, patients: [0, 0, 2, 3], rows: [1, 2, 3, 4])
    #expect(grouped.offsets == [0, 2, 2, 3, 4])
    #expect(Array(grouped[1]).isEmpty)
    #expect(Array(grouped[3]) == [4])
  }

  /// The table lookup of plain ISO dates agrees with the calendar arithmetic on every day of 1899–2157 (inside and
  /// outside its years), and rejects what is not a date.
  @Test func theFastISOPathAgreesWithTheCalendar() {
    var checked = 0
    for year in [1, 1899, 1900, 1999, 2000, 2024, 2026, 2100, 2155, 2156, 2157, 9999] {
      for month in 0...13 {
        for day in 0...32 {
          let text = String(format: "%04d-%02d-%02d", year, month, day)
          #expect(Day(iso: text) == Day(year: year, month: month, day: day), "\(text)")
          checked += 1
        }
      }
    }
    #expect(checked > 5000)
    for bad in ["2026-1a-01", "2026/11/01", "20261-1-01", "2026-11-0 ", " 026-11-01", "2026-11-1", "2026--1-01"] {
      #expect(Day(iso: bad) == nil, "\(bad)")
    }
  }
}
