/// What the aggregates of a rule set can match in utilization.csv, known once it is compiled: for each aggregate,
/// the event types its filter allows and how far back from the as-of date its window reaches. Ingest stores only
/// rows some aggregate can match (`retention(asOf:)`), and each aggregate still applies its own filter and window,
/// so every value is the same as with all rows stored.
public struct UtilizationReach: Sendable, Equatable {
  /// One aggregate over utilization.
  public struct Read: Sendable, Equatable {
    /// The event types its filter can be true for; nil: any (the filter does not pin event_type, or there is
    /// none).
    public var types: Set<EventType>?
    /// `within:` measured back from the as-of date; nil: no lower bound on the date (no window, or one anchored
    /// on another date).
    public var within: Duration?

    public init(types: Set<EventType>?, within: Duration?) {
      self.types = types
      self.within = within
    }
  }

  public var reads: [Read]

  public init(reads: [Read] = []) { self.reads = reads }

  /// The rows to store for a run as of `asOf`: rows no aggregate can match are left out, and so are rows dated
  /// after `asOf`, which no aggregate ever sees.
  public func retention(asOf: Day) -> EventRetention {
    var retention = EventRetention.nothing(latest: asOf)
    for read in reads {
      // The window is as_of − D < date ≤ as_of (DateWindow).
      let from = read.within.map { $0.added(to: asOf, sign: -1) + 1 } ?? Day(number: Int32.min)
      retention.include(read.types, from: from)
    }
    return retention
  }
}
