extension ExpressionCompiler {
  static let windowLabels = ["within", "before", "until", "since", "after"]

  /// `count`, `exists`, `sum`, `min`, `max`, `latest`, `earliest` over the current patient's rows of an extract,
  /// with an optional filter and a date window:
  /// - `within: 180d` alone: as_of − 180d < date ≤ as_of;
  /// - `before: X` (date < X) or `until: X` (date ≤ X) as the end, with `within: D`: from X − D (inclusive with
  ///   `before`, exclusive with `until`), e.g. `within: 180d, before: index_stay.admit_date`;
  /// - `since: X` (date ≥ X) or `after: X` (date > X) as the start, with `within: D`: up to X + D inclusive.
  /// The date is the extract's own: event_date for utilization, discharge_date for discharges. Rows dated after
  /// the as-of date are never seen.
  func compileAggregate(_ name: String, _ args: [Expression.Argument], at: Int) throws(Failure) -> Typed {
    guard let first = args.first, first.label == nil else {
      throw fail(at, "\(name) needs an extract first: \(name)(utilization, …) or \(name)(discharges, …)")
    }
    let source = try compile(first.value)
    guard case .extract(let kind) = source.code else {
      throw fail(
        first.value.startOffset, "\(name) needs an extract first (utilization or discharges), found \(source.type)")
    }
    if rowScopes.contains(kind) {
      throw fail(
        at, "\(name)(\(kind.extractName), …) cannot be nested inside another aggregate over \(kind.extractName)")
    }
    let takesValue = ["sum", "min", "max"].contains(name)
    let positionals = args.dropFirst().filter { $0.label == nil }
    let maxPositionals = takesValue ? 2 : 1
    if takesValue && positionals.isEmpty {
      throw fail(at, "\(name)(\(kind.extractName), value, filter) needs the value to \(name)")
    }
    if positionals.count > maxPositionals {
      throw fail(
        positionals[positionals.startIndex + maxPositionals].value.startOffset, "too many arguments to \(name)")
    }

    // Windows are evaluated once per patient, outside the row scope.
    var bounds: [String: (Fn<Day>?, Fn<Duration>?)] = [:]
    var byField: Fn<Day>?
    for arg in args.dropFirst() {
      guard let label = arg.label else { continue }
      if label == "by" {
        guard name == "latest" || name == "earliest" else {
          throw fail(arg.labelOffset, "'by:' only applies to latest and earliest")
        }
        rowScopes.append(kind)
        defer { rowScopes.removeLast() }
        let t = try compile(arg.value)
        guard let f = t.asDate else { throw fail(arg.value.startOffset, "'by:' needs a date field, found \(t.type)") }
        byField = f
        continue
      }
      guard Self.windowLabels.contains(label) else {
        throw fail(
          arg.labelOffset,
          "unknown argument '\(label):' of \(name)\(DidYouMean.hint(for: label, among: Self.windowLabels + ["by"]))")
      }
      guard bounds[label] == nil else { throw fail(arg.labelOffset, "'\(label):' is given twice") }
      let t = try compile(arg.value)
      if label == "within" {
        guard case .duration(let f) = t.code else {
          throw fail(arg.value.startOffset, "'within:' needs a duration such as 180d, found \(t.type)")
        }
        bounds[label] = (nil, f)
      } else {
        guard let f = t.asDate else { throw fail(arg.value.startOffset, "'\(label):' needs a date, found \(t.type)") }
        bounds[label] = (f, nil)
      }
    }
    if bounds["before"] != nil && bounds["until"] != nil {
      throw fail(at, "give either 'before:' or 'until:', not both")
    }
    if bounds["since"] != nil && bounds["after"] != nil {
      throw fail(at, "give either 'since:' or 'after:', not both")
    }
    let hasStart = bounds["since"] != nil || bounds["after"] != nil
    let hasEnd = bounds["before"] != nil || bounds["until"] != nil
    if bounds["within"] != nil && hasStart && hasEnd {
      throw fail(at, "'within:' measures from one end; give a start (since/after) or an end (before/until), not both")
    }
    let window = DateWindow(
      within: bounds["within"]?.1, since: bounds["since"]?.0, after: bounds["after"]?.0,
      before: bounds["before"]?.0, until: bounds["until"]?.0)

    rowScopes.append(kind)
    defer { rowScopes.removeLast() }
    var value: Typed?
    var filter: Fn<Bool>?
    var filterTypes: Set<EventType>?
    var positionalIterator = positionals.makeIterator()
    if takesValue, let v = positionalIterator.next() {
      let t = try compile(v.value)
      guard t.type.isNumeric || t.type == .date else {
        throw fail(v.value.startOffset, "\(name) needs a number or a date to \(name), found \(t.type)")
      }
      if name == "sum" && !t.type.isNumeric {
        throw fail(v.value.startOffset, "sum needs numbers, found \(t.type)")
      }
      value = t
    }
    if let f = positionalIterator.next() {
      let t = try compile(f.value)
      guard let g = t.asBool else {
        throw fail(f.value.startOffset, "the filter of \(name) must be true/false, found \(t.type)")
      }
      filter = g
      filterTypes = t.eventTypes
    }
    if kind == .event {
      // What this aggregate can match, for ingest: a window measured back from the as-of date by a literal
      // duration bounds the dates; any anchor (since/after/before/until) leaves them open.
      var lookback: Duration?
      if let w = args.dropFirst().first(where: { $0.label == "within" }), !hasStart, !hasEnd,
        case .duration(let d, _) = w.value
      {
        lookback = d
      }
      eventReads.append(UtilizationReach.Read(types: filterTypes, within: lookback))
    }
    let date: @Sendable (EvaluationContext, Int) -> Day
    if kind == .event {
      date = { ctx, i in ctx.events[i].date }
    } else {
      date = { ctx, i in ctx.stays[i].dischargeDate }
    }
    let matches = AggregateScan(kind: kind, window: window, filter: filter)

    switch name {
    case "count":
      return Typed(type: .int, nullable: false, code: .int { ctx in matches.count(ctx) })
    case "exists":
      return Typed(type: .bool, nullable: false, code: .bool { ctx in matches.first(ctx) != nil })
    case "latest", "earliest":
      let by = byField ?? { ctx in date(ctx, ctx.current(kind)) }
      let latest = name == "latest"
      // Ties: for stays the later (latest) or earlier (earliest) admit date, then file order.
      let secondary: @Sendable (EvaluationContext, Int) -> Day
      if kind == .stay {
        secondary = { ctx, i in ctx.stays[i].admitDate }
      } else {
        secondary = { ctx, i in ctx.events[i].date }
      }
      return Typed(
        type: .record(kind), nullable: true,
        code: .row(kind) { ctx in
          var best: (Int, Day, Day)?
          matches.forEach(ctx) { i in
            guard let d = by(ctx) else { return }
            let s = secondary(ctx, i)
            if let b = best {
              let better = latest ? (d, s) >= (b.1, b.2) : (d, s) < (b.1, b.2)
              if better { best = (i, d, s) }
            } else {
              best = (i, d, s)
            }
          }
          return best?.0
        })
    default:
      return aggregateValue(name, value!, matches)
    }
  }

  func aggregateValue(_ name: String, _ value: Typed, _ matches: AggregateScan) -> Typed {
    switch value.code {
    case .int(let f):
      if name == "sum" {
        return Typed(
          type: .int, nullable: false,
          code: .int { ctx in
            var total = 0
            matches.forEach(ctx) { _ in total += f(ctx) ?? 0 }
            return total
          })
      }
      let isMax = name == "max"
      return Typed(
        type: .int, nullable: true,
        code: .int { ctx in
          var best: Int?
          matches.forEach(ctx) { _ in
            if let v = f(ctx) { best = best.map { isMax ? Swift.max($0, v) : Swift.min($0, v) } ?? v }
          }
          return best
        })
    case .date(let f):
      let isMax = name == "max"
      return Typed(
        type: .date, nullable: true,
        code: .date { ctx in
          var best: Day?
          matches.forEach(ctx) { _ in
            if let v = f(ctx) { best = best.map { isMax ? Swift.max($0, v) : Swift.min($0, v) } ?? v }
          }
          return best
        })
    default:
      let f = value.asNumber!
      let isSum = name == "sum"
      let isMax = name == "max"
      return Typed(
        type: .number, nullable: !isSum,
        code: .number { ctx in
          var best: Double?
          matches.forEach(ctx) { _ in
            guard let v = f(ctx) else { return }
            if isSum {
              best = (best ?? 0) + v
            } else {
              best = best.map { isMax ? Swift.max($0, v) : Swift.min($0, v) } ?? v
            }
          }
          return isSum ? (best ?? 0) : best
        })
    }
  }
}

/// The date bounds of an aggregate, evaluated once per patient.
struct DateWindow: Sendable {
  var within: Fn<Duration>?
  var since: Fn<Day>?
  var after: Fn<Day>?
  var before: Fn<Day>?
  var until: Fn<Day>?

  var isEmpty: Bool { within == nil && since == nil && after == nil && before == nil && until == nil }

  /// Inclusive day bounds for this patient; nil when an anchor is null (then nothing matches).
  func bounds(_ ctx: EvaluationContext) -> (lower: Day, upper: Day)? {
    var lower = Day(number: Int32.min)
    var upper = Day(number: Int32.max)
    if let f = since {
      guard let d = f(ctx) else { return nil }
      lower = d
    }
    if let f = after {
      guard let d = f(ctx) else { return nil }
      lower = d + 1
    }
    if let f = before {
      guard let d = f(ctx) else { return nil }
      upper = d - 1
    }
    if let f = until {
      guard let d = f(ctx) else { return nil }
      upper = d
    }
    if let w = within {
      guard let duration = w(ctx) else { return nil }
      if since != nil || after != nil {
        let start = since.flatMap { $0(ctx) } ?? after.flatMap { $0(ctx) }!
        upper = duration.added(to: start)
      } else if let f = before {
        lower = duration.added(to: f(ctx)!, sign: -1)
      } else {
        let end = until.flatMap { $0(ctx) } ?? ctx.asOf
        upper = end
        lower = duration.added(to: end, sign: -1) + 1
      }
    }
    return (lower, upper)
  }
}

/// Walks the current patient's rows of one extract that fall in the window and pass the filter, with the row set as
/// current so the filter and values can read it; restores the previous current row afterwards (nesting).
struct AggregateScan: Sendable {
  var kind: RecordKind
  var window: DateWindow
  var filter: Fn<Bool>?

  func forEach(_ ctx: EvaluationContext, _ body: (Int) -> Void) {
    var lower = Day(number: Int32.min)
    var upper = Day(number: Int32.max)
    if !window.isEmpty {
      guard let b = window.bounds(ctx) else { return }
      (lower, upper) = b
    }
    // Rows dated after the as-of date were not known then: re-running a past date sees what it saw that night.
    upper = Swift.min(upper, ctx.asOf)
    let saved = ctx.current(kind)
    defer { ctx.setCurrent(kind, saved) }
    // One loop per extract so the date is read straight from the row (this loop runs ~20 times per patient per
    // aggregate).
    switch kind {
    case .event:
      for i in ctx.rows(of: .event) {
        let d = ctx.events[i].date
        if d < lower || d > upper { continue }
        ctx.event = i
        if let filter, filter(ctx) != true { continue }
        body(i)
      }
    case .stay:
      for i in ctx.rows(of: .stay) {
        let d = ctx.stays[i].dischargeDate
        if d < lower || d > upper { continue }
        ctx.stay = i
        if let filter, filter(ctx) != true { continue }
        body(i)
      }
    case .patient:
      break
    }
  }

  func count(_ ctx: EvaluationContext) -> Int {
    var n = 0
    forEach(ctx) { _ in n += 1 }
    return n
  }

  func first(_ ctx: EvaluationContext) -> Int? {
    var found: Int?
    forEach(ctx) { i in if found == nil { found = i } }
    return found
  }
}
