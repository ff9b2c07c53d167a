/// What an expression may refer to where it appears in the rule file.
struct CompileEnvironment {
  /// Features defined so far: name → slot and type.
  var features: [String: (slot: Int, type: ValueType, nullable: Bool)] = [:]
  /// Every feature of the rule set (to tell "defined below" from "unknown").
  var allFeatureNames: [String] = []
  var valueSets: [ValueSet] = []
  /// `score` is visible in tiers and actions; `tier` in actions.
  var allowScore = false
  var allowTier = false
  var tierNames: [String] = []
  /// Features that failed to compile: references to them are not reported again (one error, not a cascade).
  var brokenFeatures: Set<String> = []
}

/// Checks one expression against the schema and the environment and compiles it to typed closures.
/// The first error stops it, with its offset in the expression text.
final class ExpressionCompiler {
  struct Failure: Error {
    var offset: Int
    var message: String
  }

  let env: CompileEnvironment
  let text: [Unicode.Scalar]
  /// Record kinds whose current row is in scope (inside aggregate filters), innermost last.
  var rowScopes: [RecordKind] = []
  /// Fields read, as "patient.birth_date", "event.provider_id", "stay.facility" (drives what ingest keeps).
  var usedFields: Set<String> = []
  /// What the aggregates over utilization read (drives which rows ingest keeps).
  var eventReads: [UtilizationReach.Read] = []
  /// Features referenced (for explain: the values that decided a rule).
  var referencedFeatures: [String] = []

  init(env: CompileEnvironment, text: String) {
    self.env = env
    self.text = Array(text.unicodeScalars)
  }

  /// The source text of a sub-expression (for explain notes).
  func source(of e: Expression) -> String {
    let start = e.startOffset
    var end = start
    // Extend to the end of the construct: good enough for names, members and calls used in notes.
    var depth = 0
    while end < text.count {
      let c = text[end]
      if c == "(" || c == "[" { depth += 1 }
      if c == ")" || c == "]" {
        if depth == 0 { break }
        depth -= 1
      }
      if depth == 0, c == " " || c == "," { break }
      end += 1
    }
    return String(String.UnicodeScalarView(text[start..<max(start, end)]))
  }

  func fail(_ offset: Int, _ message: String) -> Failure { Failure(offset: offset, message: message) }

  func compile(_ e: Expression) throws(Failure) -> Typed {
    switch e {
    case .number(let v, let isInteger, _):
      if isInteger, let i = Int(exactly: v) {
        return Typed(type: .int, nullable: false, code: .int { _ in i }, literal: .int(i))
      }
      return Typed(type: .number, nullable: false, code: .number { _ in v }, literal: .number(v))
    case .string(let s, _):
      return Typed(type: .string(domain: nil), nullable: false, code: .string { _ in s }, literal: .string(s))
    case .date(let d, _):
      return Typed(type: .date, nullable: false, code: .date { _ in d }, literal: .date(d))
    case .duration(let d, _):
      return Typed(type: .duration, nullable: false, code: .duration { _ in d }, literal: .duration(d))
    case .boolean(let b, _):
      return Typed(type: .bool, nullable: false, code: .bool { _ in b }, literal: .bool(b))
    case .null(let at):
      throw fail(at, "'null' has no type on its own; test for a missing value with 'x is null' or 'x is not null'")
    case .name(let name, let at):
      return try compileName(name, at: at)
    case .member(let base, let field, let at):
      return try compileMember(base, field, at: at)
    case .list(let items, let at):
      var strings: [String] = []
      for item in items {
        let t = try compile(item)
        guard case .string(let s)? = t.literal else {
          throw fail(item.startOffset, "a list holds text literals such as [\"home\", \"home_health\"]")
        }
        strings.append(s)
      }
      _ = at
      let items = strings
      return Typed(type: .list, nullable: false, code: .list { _ in items }, literal: .list(items))
    case .call(let name, let args, let at):
      return try compileCall(name, args, at: at)
    case .unary(let op, let operand, let at):
      return try compileUnary(op, operand, at: at)
    case .binary(let op, let l, let r, let at):
      return try compileBinary(op, l, r, at: at)
    case .isNull(let operand, let negated, _):
      let t = try compile(operand)
      let probe = t.value
      return Typed(type: .bool, nullable: false, code: .bool { ctx in probe(ctx).isNull != negated })
    case .conditional(let c, let a, let b, _):
      let cond = try compile(c)
      guard let test = cond.asBool else {
        throw fail(c.startOffset, "the condition of 'if' must be true/false, found \(cond.type)")
      }
      let x = try compile(a)
      let y = try compile(b)
      guard let (type, fx, fy) = unify(x, y) else {
        throw fail(b.startOffset, "both branches of 'if' must have the same type: \(x.type) and \(y.type)")
      }
      return Typed(
        type: type, nullable: x.nullable || y.nullable,
        code: select(type: type, from: fx, fy) { ctx in test(ctx) == true })
    }
  }

  // MARK: Names

  func compileName(_ name: String, at: Int) throws(Failure) -> Typed {
    for kind in rowScopes.reversed() {
      if let spec = RecordSchema.field(name, of: kind) {
        return fieldRead(spec, of: kind, currentRow: true) { ctx in ctx.current(kind) }
      }
    }
    switch name {
    case "as_of":
      var typed = Typed(type: .date, nullable: false, code: .date { ctx in ctx.asOf })
      typed.isAsOf = true
      return typed
    case "patient": return Typed(type: .record(.patient), nullable: false, code: .row(.patient) { ctx in ctx.patient })
    case "utilization": return Typed(type: .extract(.event), nullable: false, code: .extract(.event))
    case "discharges": return Typed(type: .extract(.stay), nullable: false, code: .extract(.stay))
    case "score" where env.allowScore:
      return Typed(type: .int, nullable: false, code: .int { ctx in ctx.score })
    case "tier" where env.allowTier:
      return Typed(type: .string(domain: env.tierNames), nullable: false, code: .string { ctx in ctx.tier })
    default: break
    }
    if let feature = env.features[name] {
      if !referencedFeatures.contains(name) { referencedFeatures.append(name) }
      return featureRead(slot: feature.slot, type: feature.type, nullable: feature.nullable)
    }
    if let index = env.valueSets.firstIndex(where: { $0.name == name }) {
      return Typed(type: .valueSet, nullable: false, code: .valueSet(index))
    }
    if env.brokenFeatures.contains(name) { throw fail(at, "") }
    if env.allFeatureNames.contains(name) {
      throw fail(at, "feature '\(name)' is defined below; a feature can only use the features listed above it")
    }
    if name == "score" || name == "tier" {
      throw fail(
        at,
        name == "score"
          ? "'score' is only known in tiers and actions, after all scoring rules have run"
          : "'tier' is only known in actions, after the tier is assigned")
    }
    if RecordSchema.field(name, of: .patient) != nil {
      throw fail(at, "unknown name '\(name)'; did you mean 'patient.\(name)'?")
    }
    for kind in [RecordKind.event, .stay] where RecordSchema.field(name, of: kind) != nil {
      throw fail(
        at,
        "'\(name)' is a field of each \(kind.recordName); use it inside count(\(kind.extractName), …) and the like, or on a record such as latest(\(kind.extractName)).\(name)"
      )
    }
    var candidates = Array(env.features.keys) + ["as_of", "patient", "utilization", "discharges"]
    candidates += env.valueSets.map(\.name)
    for kind in rowScopes { candidates += RecordSchema.fields(of: kind).map(\.name) }
    if env.allowScore { candidates.append("score") }
    if env.allowTier { candidates.append("tier") }
    throw fail(at, "unknown name '\(name)'\(DidYouMean.hint(for: name, among: candidates))")
  }

  func compileMember(_ base: Expression, _ field: String, at: Int) throws(Failure) -> Typed {
    let b = try compile(base)
    guard case .row(let kind, let row) = b.code else {
      throw fail(at, "'\(field)': only records (patient, a stay, an event) have fields; this is a \(b.type)")
    }
    guard let spec = RecordSchema.field(field, of: kind) else {
      let names = RecordSchema.fields(of: kind).map(\.name)
      throw fail(at, "\(kind.recordName) has no field '\(field)'\(DidYouMean.hint(for: field, among: names))")
    }
    var t = fieldRead(spec, of: kind, row: row)
    t.nullable = t.nullable || b.nullable
    return t
  }

  func featureRead(slot: Int, type: ValueType, nullable: Bool) -> Typed {
    let code: Code
    switch type {
    case .int:
      code = .int { ctx in if case .int(let v) = ctx.features[slot] { return v } else { return nil } }
    case .number:
      code = .number { ctx in if case .number(let v) = ctx.features[slot] { return v } else { return nil } }
    case .bool:
      code = .bool { ctx in if case .bool(let v) = ctx.features[slot] { return v } else { return nil } }
    case .string:
      code = .string { ctx in if case .string(let v) = ctx.features[slot] { return v } else { return nil } }
    case .date:
      code = .date { ctx in if case .date(let v) = ctx.features[slot] { return v } else { return nil } }
    case .duration:
      code = .duration { ctx in if case .duration(let v) = ctx.features[slot] { return v } else { return nil } }
    case .list:
      code = .list { ctx in if case .list(let v) = ctx.features[slot] { return v } else { return nil } }
    case .record(let kind):
      code = .row(kind) { ctx in if case .row(_, let v) = ctx.features[slot] { return v } else { return nil } }
    case .valueSet, .extract:
      code = .int { _ in nil }
    }
    return Typed(type: type, nullable: nullable, code: code)
  }

  // MARK: Operators

  func compileUnary(_ op: String, _ operand: Expression, at: Int) throws(Failure) -> Typed {
    let t = try compile(operand)
    if op == "not" {
      guard let f = t.asBool else { throw fail(operand.startOffset, "'not' needs true/false, found \(t.type)") }
      return Typed(type: .bool, nullable: t.nullable, code: .bool { ctx in f(ctx).map { !$0 } })
    }
    switch t.code {
    case .int(let f): return Typed(type: .int, nullable: t.nullable, code: .int { ctx in f(ctx).map { -$0 } })
    case .number(let f): return Typed(type: .number, nullable: t.nullable, code: .number { ctx in f(ctx).map { -$0 } })
    default: throw fail(at, "'-' needs a number, found \(t.type)")
    }
  }

  func compileBinary(_ op: String, _ le: Expression, _ re: Expression, at: Int) throws(Failure) -> Typed {
    let l = try compile(le)
    let r = try compile(re)
    let nullable = l.nullable || r.nullable
    switch op {
    case "and", "or":
      guard let f = l.asBool else {
        throw fail(le.startOffset, "'\(op)' needs true/false on the left, found \(l.type)")
      }
      guard let g = r.asBool else {
        throw fail(re.startOffset, "'\(op)' needs true/false on the right, found \(r.type)")
      }
      if op == "and" {
        // Either side being true is necessary, so both constraints hold.
        let types: Set<EventType>? =
          switch (l.eventTypes, r.eventTypes) {
          case (let a?, let b?): a.intersection(b)
          case (let a, nil): a
          case (nil, let b): b
          }
        return Typed(
          type: .bool, nullable: nullable,
          code: .bool { ctx in
            let a = f(ctx)
            if a == false { return false }
            let b = g(ctx)
            if b == false { return false }
            return a == nil || b == nil ? nil : true
          }, eventTypes: types)
      }
      return Typed(
        type: .bool, nullable: nullable,
        code: .bool { ctx in
          let a = f(ctx)
          if a == true { return true }
          let b = g(ctx)
          if b == true { return true }
          return a == nil || b == nil ? nil : false
        }, eventTypes: l.eventTypes.flatMap { a in r.eventTypes.map { a.union($0) } })
    case "+", "-":
      return try compileAdditive(op, l, r, le, re, at: at)
    case "*", "/":
      guard l.type.isNumeric, r.type.isNumeric else {
        throw fail(at, "'\(op)' needs numbers, found \(l.type) and \(r.type)")
      }
      if op == "*", case .int(let f) = l.code, case .int(let g) = r.code {
        return Typed(
          type: .int, nullable: nullable,
          code: .int { ctx in
            guard let a = f(ctx), let b = g(ctx) else { return nil }
            return a * b
          })
      }
      let f = l.asNumber!
      let g = r.asNumber!
      return Typed(
        type: .number, nullable: true,
        code: .number { ctx in
          guard let a = f(ctx), let b = g(ctx) else { return nil }
          if op == "*" { return a * b }
          return b == 0 ? nil : a / b
        })
    case "==", "!=", "<", "<=", ">", ">=":
      return try compileComparison(op, l, r, le, re, at: at)
    case "in", "not in":
      return try compileMembership(negated: op == "not in", l, r, le, re, at: at)
    default:
      throw fail(at, "unknown operator '\(op)'")
    }
  }

  func compileAdditive(
    _ op: String, _ l: Typed, _ r: Typed, _ le: Expression, _ re: Expression, at: Int
  ) throws(Failure) -> Typed {
    let nullable = l.nullable || r.nullable
    let sign = op == "+" ? 1 : -1
    switch (l.code, r.code) {
    case (.int(let f), .int(let g)):
      return Typed(
        type: .int, nullable: nullable,
        code: .int { ctx in
          guard let a = f(ctx), let b = g(ctx) else { return nil }
          return a + sign * b
        })
    case (.date(let f), .duration(let g)):
      // `as_of - 180d`, the bound of most windows, is evaluated for every row a count scans: with a literal duration
      // it is one closure call, not three.
      if case .duration(let b)? = r.literal {
        if l.isAsOf {
          return Typed(type: .date, nullable: false, code: .date { ctx in b.added(to: ctx.asOf, sign: sign) })
        }
        return Typed(
          type: .date, nullable: nullable, code: .date { ctx in f(ctx).map { b.added(to: $0, sign: sign) } })
      }
      return Typed(
        type: .date, nullable: nullable,
        code: .date { ctx in
          guard let a = f(ctx), let b = g(ctx) else { return nil }
          return b.added(to: a, sign: sign)
        })
    case (.duration(let g), .date(let f)) where op == "+":
      return Typed(
        type: .date, nullable: nullable,
        code: .date { ctx in
          guard let a = f(ctx), let b = g(ctx) else { return nil }
          return b.added(to: a)
        })
    case (.date(let f), .date(let g)) where op == "-":
      return Typed(
        type: .int, nullable: nullable,
        code: .int { ctx in
          guard let a = f(ctx), let b = g(ctx) else { return nil }
          return a - b
        })
    case (.date, .int):
      throw fail(re.startOffset, "add a duration to a date, such as 30d, 6mo or 1y, not a bare number")
    default:
      guard l.type.isNumeric, r.type.isNumeric else {
        throw fail(at, "'\(op)' cannot combine \(l.type) and \(r.type)")
      }
      let f = l.asNumber!
      let g = r.asNumber!
      return Typed(
        type: .number, nullable: nullable,
        code: .number { ctx in
          guard let a = f(ctx), let b = g(ctx) else { return nil }
          return a + Double(sign) * b
        })
    }
  }

  /// A comparison with null is false (and noted for explain).
  func compileComparison(
    _ op: String, _ l: Typed, _ r: Typed, _ le: Expression, _ re: Expression, at: Int
  ) throws(Failure) -> Typed {
    let leftName = source(of: le)
    let rightName = source(of: re)
    let relation = Relation(op)
    // The operator is tested inside the closure (a predictable branch) rather than called as a closure of its own,
    // and a literal on the right is captured as a constant: a comparison such as `ed_6m >= 2` calls one closure per
    // evaluation instead of four, and scoring evaluates tens of them per patient.
    func make<T: Comparable & Sendable>(_ f: @escaping Fn<T>, _ g: @escaping Fn<T>, constant: T? = nil) -> Typed {
      if let b = constant {
        return Typed(
          type: .bool, nullable: false,
          code: .bool { ctx in
            guard let a = ctx.value(f, noting: leftName) else { return false }
            return relation.holds(a, b)
          })
      }
      return Typed(
        type: .bool, nullable: false,
        code: .bool { ctx in
          guard let a = ctx.value(f, noting: leftName), let b = ctx.value(g, noting: rightName) else { return false }
          return relation.holds(a, b)
        })
    }
    switch (l.code, r.code) {
    case (.int(let f), .int(let g)):
      if case .int(let b)? = r.literal { return make(f, g, constant: b) }
      return make(f, g)
    case (.date(let f), .date(let g)):
      if case .date(let b)? = r.literal { return make(f, g, constant: b) }
      return make(f, g)
    case (.string(let f), .string(let g)):
      try checkDomain(l, against: r, at: re.startOffset)
      try checkDomain(r, against: l, at: le.startOffset)
      if op == "==" || op == "!=" {
        if let read = l.enumField, case .string(let value)? = r.literal {
          return enumTyped(read, values: [value], negated: op == "!=", note: leftName)
        }
        if let read = r.enumField, case .string(let value)? = l.literal {
          return enumTyped(read, values: [value], negated: op == "!=", note: rightName)
        }
      }
      if case .string(let b)? = r.literal { return make(f, g, constant: b) }
      return make(f, g)
    case (.bool(let f), .bool(let g)) where op == "==" || op == "!=":
      return make({ ctx in f(ctx).map { $0 ? 1 : 0 } }, { ctx in g(ctx).map { $0 ? 1 : 0 } })
    case (.date, .duration), (.duration, .date):
      throw fail(at, "cannot compare a date with a duration; write a date such as 'as_of - 180d'")
    default:
      if l.type.isNumeric, r.type.isNumeric {
        switch r.literal {
        case .int(let b)?: return make(l.asNumber!, r.asNumber!, constant: Double(b))
        case .number(let b)?: return make(l.asNumber!, r.asNumber!, constant: b)
        default: return make(l.asNumber!, r.asNumber!)
        }
      }
      throw fail(at, "cannot compare \(l.type) with \(r.type)")
    }
  }

  /// A text literal compared with an enumerated field must be one of its values.
  func checkDomain(_ field: Typed, against literal: Typed, at offset: Int) throws(Failure) {
    guard case .string(let domain?) = field.type, case .string(let value)? = literal.literal else { return }
    guard domain.contains(value) else {
      throw fail(
        offset,
        "'\(value)' is not a possible value here\(DidYouMean.hint(for: value, among: domain)) (expected one of: \(domain.joined(separator: ", ")))"
      )
    }
  }

  func compileMembership(
    negated: Bool, _ l: Typed, _ r: Typed, _ le: Expression, _ re: Expression, at: Int
  ) throws(Failure) -> Typed {
    let leftName = source(of: le)
    switch r.code {
    case .valueSet(let index):
      guard let f = l.asString else {
        throw fail(le.startOffset, "only a code (text) can be looked up in value set '\(env.valueSets[index].name)'")
      }
      let set = env.valueSets[index]
      return Typed(
        type: .bool, nullable: false,
        code: .bool { ctx in
          guard let code = f(ctx) else {
            if ctx.tracing { ctx.noteNull(leftName) }
            return false
          }
          return set.contains(code: ValueSet.normalize(code)) != negated
        })
    case .list(let g):
      if case .string(let domain?) = l.type, case .list(let items)? = r.literal {
        for item in items where !domain.contains(item) {
          throw fail(
            re.startOffset,
            "'\(item)' is not a possible value here\(DidYouMean.hint(for: item, among: domain)) (expected one of: \(domain.joined(separator: ", ")))"
          )
        }
      }
      guard let f = l.asString else {
        throw fail(le.startOffset, "'in' a list needs text on the left, found \(l.type)")
      }
      if let read = l.enumField, case .list(let items)? = r.literal {
        return enumTyped(read, values: Set(items), negated: negated, note: leftName)
      }
      if case .list(let items)? = r.literal {
        func member<Items: Collection & Sendable>(_ items: Items) -> Typed where Items.Element == String {
          Typed(
            type: .bool, nullable: false,
            code: .bool { ctx in
              guard let v = ctx.value(f, noting: leftName) else { return false }
              return items.contains(v) != negated
            })
        }
        // A few items (`tier in ["intensive", "high"]`) are compared in turn: equal short texts compare as two
        // words, where a set would hash the text for every patient.
        return items.count <= 8 ? member(items) : member(Set(items))
      }
      return Typed(
        type: .bool, nullable: false,
        code: .bool { ctx in
          guard let v = f(ctx), let list = g(ctx) else {
            if ctx.tracing { ctx.noteNull(leftName) }
            return false
          }
          return list.contains(v) != negated
        })
    default:
      throw fail(
        re.startOffset, "'in' needs a list such as [\"a\", \"b\"], a list field or a value set, found \(r.type)")
    }
  }

  /// The common type of two branches (int widens to number), with both codes converted to it.
  func unify(_ x: Typed, _ y: Typed) -> (ValueType, Code, Code)? {
    if x.type == y.type { return (x.type, x.code, y.code) }
    if x.type.isNumeric, y.type.isNumeric { return (.number, .number(x.asNumber!), .number(y.asNumber!)) }
    return nil
  }

  /// Chooses between two codes of the same type at run time.
  func select(type: ValueType, from a: Code, _ b: Code, _ pick: @escaping @Sendable (EvaluationContext) -> Bool) -> Code
  {
    switch (a, b) {
    case (.int(let f), .int(let g)): return .int { ctx in pick(ctx) ? f(ctx) : g(ctx) }
    case (.number(let f), .number(let g)): return .number { ctx in pick(ctx) ? f(ctx) : g(ctx) }
    case (.bool(let f), .bool(let g)): return .bool { ctx in pick(ctx) ? f(ctx) : g(ctx) }
    case (.string(let f), .string(let g)): return .string { ctx in pick(ctx) ? f(ctx) : g(ctx) }
    case (.date(let f), .date(let g)): return .date { ctx in pick(ctx) ? f(ctx) : g(ctx) }
    case (.duration(let f), .duration(let g)): return .duration { ctx in pick(ctx) ? f(ctx) : g(ctx) }
    case (.list(let f), .list(let g)): return .list { ctx in pick(ctx) ? f(ctx) : g(ctx) }
    case (.row(let k, let f), .row(_, let g)): return .row(k) { ctx in pick(ctx) ? f(ctx) : g(ctx) }
    default: return a
    }
  }
}

/// A comparison operator, applied in place (no closure call per comparison).
enum Relation: Sendable {
  case equal, notEqual, less, lessOrEqual, greater, greaterOrEqual

  /// `op` is one of `==`, `!=`, `<`, `<=`, `>`, `>=` (the parser admits no other).
  init(_ op: String) {
    switch op {
    case "==": self = .equal
    case "!=": self = .notEqual
    case "<": self = .less
    case "<=": self = .lessOrEqual
    case ">": self = .greater
    default: self = .greaterOrEqual
    }
  }

  @inline(__always) func holds<T: Comparable>(_ a: T, _ b: T) -> Bool {
    switch self {
    case .equal: a == b
    case .notEqual: a != b
    case .less: a < b
    case .lessOrEqual: a <= b
    case .greater: a > b
    case .greaterOrEqual: a >= b
    }
  }
}
