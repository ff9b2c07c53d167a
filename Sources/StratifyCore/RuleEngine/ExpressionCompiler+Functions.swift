extension ExpressionCompiler {
  /// Every function of the language, for did-you-mean and the reference.
  static let functionNames = [
    "count", "exists", "sum", "min", "max", "latest", "earliest", "days_between", "years_between",
    "business_days_after", "has_code", "count_categories", "weighted_sum", "categories", "len", "coalesce", "has_any",
  ]

  func compileCall(_ name: String, _ args: [Expression.Argument], at: Int) throws(Failure) -> Typed {
    switch name {
    case "count", "exists", "sum", "latest", "earliest":
      return try compileAggregate(name, args, at: at)
    case "min", "max":
      if let first = args.first, first.label == nil, case .name(let n, _) = first.value,
        n == "utilization" || n == "discharges"
      {
        return try compileAggregate(name, args, at: at)
      }
      return try compileScalarExtreme(name, args, at: at)
    case "days_between", "years_between":
      let (a, b) = try twoDates(name, args, at: at)
      let years = name == "years_between"
      return Typed(
        type: .int, nullable: true,
        code: .int { ctx in
          guard let x = a(ctx), let y = b(ctx) else { return nil }
          return years ? x.wholeYears(until: y) : y - x
        })
    case "business_days_after":
      let p = try positional(name, args, count: 2, at: at)
      let d = try compile(p[0].value)
      let n = try compile(p[1].value)
      guard let date = d.asDate else {
        throw fail(p[0].value.startOffset, "\(name) needs a date first, found \(d.type)")
      }
      guard let count = n.asInt else {
        throw fail(p[1].value.startOffset, "\(name) needs a whole number of days second, found \(n.type)")
      }
      return Typed(
        type: .date, nullable: true,
        code: .date { ctx in
          guard let x = date(ctx), let k = count(ctx) else { return nil }
          return ctx.calendar.businessDays(k, after: x)
        })
    case "has_code", "count_categories", "weighted_sum", "categories":
      return try compileCodeFunction(name, args, at: at)
    case "len":
      let p = try positional(name, args, count: 1, at: at)
      let t = try compile(p[0].value)
      guard let f = t.asList else { throw fail(p[0].value.startOffset, "len needs a list, found \(t.type)") }
      if let count = t.listCount { return Typed(type: .int, nullable: t.nullable, code: .int(count)) }
      return Typed(type: .int, nullable: t.nullable, code: .int { ctx in f(ctx)?.count })
    case "has_any":
      let p = try positional(name, args, count: 2, at: at)
      let a = try compile(p[0].value)
      let b = try compile(p[1].value)
      guard let f = a.asList, let g = b.asList else {
        throw fail(p[0].value.startOffset, "has_any needs two lists, found \(a.type) and \(b.type)")
      }
      return Typed(
        type: .bool, nullable: false,
        code: .bool { ctx in
          guard let x = f(ctx), let y = g(ctx) else { return false }
          return x.contains { y.contains($0) }
        })
    case "coalesce":
      guard args.count >= 2, args.allSatisfy({ $0.label == nil }) else {
        throw fail(at, "coalesce needs two or more values: coalesce(x, fallback)")
      }
      var result = try compile(args[0].value)
      for arg in args.dropFirst() {
        let next = try compile(arg.value)
        guard let (type, f, g) = unify(result, next) else {
          throw fail(arg.value.startOffset, "coalesce needs values of one type: \(result.type) and \(next.type)")
        }
        let firstIsNull = result.value
        result = Typed(
          type: type, nullable: result.nullable && next.nullable,
          code: select(type: type, from: f, g) { ctx in !firstIsNull(ctx).isNull })
      }
      return result
    default:
      throw fail(at, "unknown function '\(name)'\(DidYouMean.hint(for: name, among: Self.functionNames))")
    }
  }

  func positional(
    _ name: String, _ args: [Expression.Argument], count: Int, at: Int
  ) throws(Failure) -> [Expression.Argument] {
    if let named = args.first(where: { $0.label != nil }) {
      throw fail(named.labelOffset, "\(name) takes no named argument '\(named.label!)'")
    }
    guard args.count == count else {
      throw fail(at, "\(name) takes \(count) argument\(count == 1 ? "" : "s"), found \(args.count)")
    }
    return args
  }

  func twoDates(_ name: String, _ args: [Expression.Argument], at: Int) throws(Failure) -> (Fn<Day>, Fn<Day>) {
    let p = try positional(name, args, count: 2, at: at)
    let a = try compile(p[0].value)
    let b = try compile(p[1].value)
    guard let f = a.asDate else { throw fail(p[0].value.startOffset, "\(name) needs dates, found \(a.type)") }
    guard let g = b.asDate else { throw fail(p[1].value.startOffset, "\(name) needs dates, found \(b.type)") }
    return (f, g)
  }

  /// `min(a, b, …)` / `max(a, b, …)` over values: nulls are skipped; null only when all are null.
  func compileScalarExtreme(_ name: String, _ args: [Expression.Argument], at: Int) throws(Failure) -> Typed {
    guard args.count >= 2, args.allSatisfy({ $0.label == nil }) else {
      throw fail(at, "\(name) needs an extract (\(name)(utilization, …)) or two or more values")
    }
    let typed = try args.map { (arg) throws(Failure) -> Typed in try compile(arg.value) }
    let isMax = name == "max"
    let nullable = typed.allSatisfy(\.nullable)
    if typed.allSatisfy({ $0.type == .date }) {
      let fs = typed.map { $0.asDate! }
      return Typed(
        type: .date, nullable: nullable,
        code: .date { ctx in
          let vs = fs.compactMap { $0(ctx) }
          return isMax ? vs.max() : vs.min()
        })
    }
    if typed.allSatisfy({ $0.type == .int }) {
      let fs = typed.map { $0.asInt! }
      return Typed(
        type: .int, nullable: nullable,
        code: .int { ctx in
          let vs = fs.compactMap { $0(ctx) }
          return isMax ? vs.max() : vs.min()
        })
    }
    if typed.allSatisfy({ $0.type.isNumeric }) {
      let fs = typed.map { $0.asNumber! }
      return Typed(
        type: .number, nullable: nullable,
        code: .number { ctx in
          let vs = fs.compactMap { $0(ctx) }
          return isMax ? vs.max() : vs.min()
        })
    }
    throw fail(at, "\(name) needs numbers or dates of one type")
  }

  /// `has_code(codes, set [, "category"])`, `count_categories(codes, set)`, `weighted_sum(codes, set)`,
  /// `categories(codes, set)`: ICD-10 prefix matching, dots and case ignored, hierarchy applied.
  func compileCodeFunction(_ name: String, _ args: [Expression.Argument], at: Int) throws(Failure) -> Typed {
    let allowed = name == "has_code" ? 2...3 : 2...2
    if let named = args.first(where: { $0.label != nil }) {
      throw fail(named.labelOffset, "\(name) takes no named argument '\(named.label!)'")
    }
    guard allowed.contains(args.count) else {
      throw fail(
        at,
        "\(name) takes \(name == "has_code" ? "2 or 3" : "2") arguments: (codes, value_set\(name == "has_code" ? "[, \"category\"]" : ""))"
      )
    }
    let codesTyped = try compile(args[0].value)
    let codes: Fn<[String]>
    switch codesTyped.code {
    case .list(let f): codes = f
    case .string(let f): codes = { ctx in f(ctx).map { [ValueSet.normalize($0)] } }
    default:
      throw fail(
        args[0].value.startOffset,
        "\(name) needs codes (a list such as patient.conditions, or one code), found \(codesTyped.type)")
    }
    let setTyped = try compile(args[1].value)
    guard case .valueSet(let index) = setTyped.code else {
      throw fail(args[1].value.startOffset, "\(name) needs a value set second, found \(setTyped.type)")
    }
    let set = env.valueSets[index]
    switch name {
    case "has_code":
      if args.count == 3 {
        let c = try compile(args[2].value)
        guard case .string(let category)? = c.literal else {
          throw fail(args[2].value.startOffset, "the category of has_code must be a text literal such as \"chf\"")
        }
        guard let position = set.categories.firstIndex(of: category) else {
          throw fail(
            args[2].value.startOffset,
            "value set '\(set.name)' has no category '\(category)'\(DidYouMean.hint(for: category, among: set.categories))"
          )
        }
        return Typed(
          type: .bool, nullable: false,
          code: .bool { ctx in
            (codes(ctx) ?? []).contains { ctx.categories(of: $0, in: set, index: index).contains(position) }
          })
      }
      return Typed(
        type: .bool, nullable: false,
        code: .bool { ctx in
          (codes(ctx) ?? []).contains { !ctx.categories(of: $0, in: set, index: index).isEmpty }
        })
    case "count_categories":
      return Typed(
        type: .int, nullable: false,
        code: .int { ctx in
          set.countPresent(codes(ctx) ?? []) { ctx.categories(of: $0, in: set, index: index) }
        })
    case "categories":
      return Typed(
        type: .list, nullable: false,
        code: .list { ctx in
          set.presentCategories(codes(ctx) ?? []) { ctx.categories(of: $0, in: set, index: index) }
        })
    default:
      guard !set.weights.isEmpty else {
        throw fail(
          args[1].value.startOffset, "value set '\(set.name)' has no weights; add 'weights:' to it in value_sets")
      }
      return Typed(
        type: .int, nullable: false,
        code: .int { ctx in
          set.weightedSum(codes(ctx) ?? []) { ctx.categories(of: $0, in: set, index: index) }
        })
    }
  }
}
