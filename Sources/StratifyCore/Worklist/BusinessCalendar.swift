/// Which days count as business days: Monday to Friday, minus holidays.
///
/// The default holidays are the US federal holidays (5 U.S.C. 6103) with the observed-date rule: a holiday on a
/// Saturday is observed the Friday before, one on a Sunday the Monday after. An organization can replace the list
/// or add its own dates in the run configuration.
public struct BusinessCalendar: Sendable, Equatable {
  public private(set) var holidays: Set<Day>

  public init(holidays: Set<Day>) { self.holidays = holidays }

  /// US federal holidays (observed dates) for the years 1970–2100.
  public static let usFederal = BusinessCalendar(holidays: Set((1970...2100).flatMap(usFederalHolidays(in:))))

  /// This calendar with more holidays.
  public func adding(_ days: some Sequence<Day>) -> BusinessCalendar {
    BusinessCalendar(holidays: holidays.union(days))
  }

  public func isBusinessDay(_ day: Day) -> Bool { !day.isWeekend && !holidays.contains(day) }

  /// The `count`-th business day after `day` (`day` itself never counts). A count of 0 gives `day` itself when it
  /// is a business day, else the next business day.
  public func businessDays(_ count: Int, after day: Day) -> Day {
    var current = day
    if count <= 0 {
      while !isBusinessDay(current) { current = current + 1 }
      return current
    }
    var remaining = count
    while remaining > 0 {
      current = current + 1
      if isBusinessDay(current) { remaining -= 1 }
    }
    return current
  }

  /// Business days from `start` (exclusive) to `end` (inclusive); negative when `end` is earlier.
  public func businessDaysBetween(_ start: Day, _ end: Day) -> Int {
    if end == start { return 0 }
    let (from, to, sign) = end > start ? (start, end, 1) : (end, start, -1)
    var n = 0
    var d = from + 1
    while d <= to {
      if isBusinessDay(d) { n += 1 }
      d = d + 1
    }
    return n * sign
  }

  /// The observed dates of the US federal holidays of one year (Juneteenth from 2021 on).
  public static func usFederalHolidays(in year: Int) -> [Day] {
    func fixed(_ month: Int, _ day: Int) -> Day { observed(Day(year: year, month: month, day: day)!) }
    var days = [
      fixed(1, 1),
      nthWeekday(1, 3, month: 1, year: year),  // Martin Luther King Jr. Day: 3rd Monday of January
      nthWeekday(1, 3, month: 2, year: year),  // Washington's Birthday: 3rd Monday of February
      lastWeekday(1, month: 5, year: year),  // Memorial Day: last Monday of May
      fixed(7, 4),
      nthWeekday(1, 1, month: 9, year: year),  // Labor Day: 1st Monday of September
      nthWeekday(1, 2, month: 10, year: year),  // Columbus Day: 2nd Monday of October
      fixed(11, 11),
      nthWeekday(4, 4, month: 11, year: year),  // Thanksgiving: 4th Thursday of November
      fixed(12, 25),
    ]
    if year >= 2021 { days.append(fixed(6, 19)) }
    return days.sorted()
  }

  /// Saturday → the Friday before; Sunday → the Monday after.
  static func observed(_ day: Day) -> Day {
    switch day.isoWeekday {
    case 6: return day - 1
    case 7: return day + 1
    default: return day
    }
  }

  /// The `n`-th given ISO weekday (1 = Monday) of a month.
  static func nthWeekday(_ weekday: Int, _ n: Int, month: Int, year: Int) -> Day {
    let first = Day(year: year, month: month, day: 1)!
    let offset = (weekday - first.isoWeekday + 7) % 7
    return first + offset + 7 * (n - 1)
  }

  static func lastWeekday(_ weekday: Int, month: Int, year: Int) -> Day {
    let last = Day(year: year, month: month, day: Day.daysIn(month: month, year: year))!
    return last - (last.isoWeekday - weekday + 7) % 7
  }
}
