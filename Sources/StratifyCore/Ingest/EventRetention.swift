/// Which accepted utilization.csv rows ingest stores. Every row is still read, checked and counted (rejects and
/// line numbers do not depend on this); only rows no consumer can match are left out of memory, so memory grows
/// with the rows the rules and reports look at, not with the size of the extract.
public struct EventRetention: Sendable, Equatable {
  /// The earliest event_date stored, per event type in `EventType.allCases` order; nil: no row of that type is
  /// stored.
  public var earliest: [Day?]
  /// Rows dated after this day are not stored (the as-of date: later rows were not known that night); nil: no
  /// upper limit.
  public var latest: Day?

  public init(earliest: [Day?], latest: Day?) {
    precondition(earliest.count == EventType.allCases.count)
    self.earliest = earliest
    self.latest = latest
  }

  /// Every row (what `validate` and the tests without an as-of date use).
  public static let everything = EventRetention(
    earliest: Array(repeating: Day(number: Int32.min), count: EventType.allCases.count), latest: nil)

  /// No row at all, up to `latest`.
  public static func nothing(latest: Day?) -> EventRetention {
    EventRetention(earliest: Array(repeating: nil, count: EventType.allCases.count), latest: latest)
  }

  /// Also stores the rows of `types` (nil: every type) dated `from` or later.
  public mutating func include(_ types: Set<EventType>?, from day: Day) {
    for (k, type) in EventType.allCases.enumerated() where types?.contains(type) ?? true {
      earliest[k] = Swift.min(earliest[k] ?? day, day)
    }
  }

  /// The rows either stores.
  public func union(_ other: EventRetention) -> EventRetention {
    var merged = self
    for k in earliest.indices {
      switch (earliest[k], other.earliest[k]) {
      case (let a?, let b?): merged.earliest[k] = Swift.min(a, b)
      case (nil, let b): merged.earliest[k] = b
      case (let a, nil): merged.earliest[k] = a
      }
    }
    if let a = latest, let b = other.latest { merged.latest = Swift.max(a, b) } else { merged.latest = nil }
    return merged
  }

  /// Whether a row of `type` dated `date` is stored.
  @inline(__always) func keeps(_ type: EventType, _ date: Day) -> Bool {
    if let latest, date > latest { return false }
    guard let from = earliest[type.ordinal] else { return false }
    return date >= from
  }
}

/// Utilization rows that only the patients discharged in a window need (the report's transitions of care look at
/// the contacts and visits after those discharges). discharges.csv is read before utilization.csv, so the rows of
/// `IngestOptions.eventRetention` that `everyone` does not keep are stored for those patients only.
public struct DischargeFollowUp: Sendable, Equatable {
  /// What every patient keeps (the rule set's reach).
  public var everyone: EventRetention
  /// The discharge dates that make a patient keep everything `IngestOptions.eventRetention` stores.
  public var discharged: ClosedRange<Day>

  public init(everyone: EventRetention, discharged: ClosedRange<Day>) {
    self.everyone = everyone
    self.discharged = discharged
  }
}

/// One patient's utilization rows in a date window, by kind, counted while reading: the report's ED visits,
/// no-shows and kept appointments per tier, without storing those rows.
public struct EventTally: Sendable, Equatable {
  public var edVisits: Int32 = 0
  public var noShows: Int32 = 0
  /// `office` and `telehealth` events: the appointments that were kept.
  public var keptVisits: Int32 = 0

  public init(edVisits: Int32 = 0, noShows: Int32 = 0, keptVisits: Int32 = 0) {
    self.edVisits = edVisits
    self.noShows = noShows
    self.keptVisits = keptVisits
  }

  /// Counts one event of `type`.
  @inline(__always) mutating func count(_ type: EventType) {
    switch type {
    case .ed: edVisits += 1
    case .noShow: noShows += 1
    case .office, .telehealth: keptVisits += 1
    case .urgentCare, .cmContact: break
    }
  }

  static func += (a: inout EventTally, b: EventTally) {
    a.edVisits += b.edVisits
    a.noShows += b.noShows
    a.keptVisits += b.keptVisits
  }
}

extension EventType {
  /// Position in `allCases`.
  @inline(__always) var ordinal: Int {
    switch self {
    case .ed: 0
    case .urgentCare: 1
    case .office: 2
    case .telehealth: 3
    case .noShow: 4
    case .cmContact: 5
    }
  }
}
