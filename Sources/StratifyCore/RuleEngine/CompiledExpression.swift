typealias Fn<T> = @Sendable (EvaluationContext) -> T?

/// Executable form of a checked expression: a closure typed by the expression's static type, so evaluation needs no
/// dynamic type tests. Value sets and extracts exist only while compiling (as function arguments).
enum Code: Sendable {
  case int(Fn<Int>)
  case number(Fn<Double>)
  case bool(Fn<Bool>)
  case string(Fn<String>)
  case date(Fn<Day>)
  case duration(Fn<Duration>)
  case list(Fn<[String]>)
  case row(RecordKind, Fn<Int>)
  case valueSet(Int)
  case extract(RecordKind)
}

/// How to read an enumerated field: which record, which field, and which row (nil: the current row of the scan).
struct EnumFieldRead: Sendable {
  var kind: RecordKind
  var field: String
  var row: Fn<Int>?
}

/// A checked expression: its type, whether it can be null, and its code.
struct Typed: Sendable {
  var type: ValueType
  var nullable: Bool
  var code: Code
  /// The literal value, when the expression is a literal (for checks such as 'is this a known event_type').
  var literal: Value? = nil
  /// Set when the expression is `as_of` itself (the run date, the same for every patient).
  var isAsOf = false
  /// Set when the expression reads an enumerated field (event_type, admit_type, disposition): comparisons with
  /// literals then test the stored enum directly instead of building and comparing text (the hot path of filters).
  var enumField: EnumFieldRead? = nil
  /// For a condition inside an aggregate over utilization: when it is true, the current row's event_type is one of
  /// these (nil: it says nothing about the type). What ingest must keep is derived from it (`UtilizationReach`).
  var eventTypes: Set<EventType>? = nil
  /// For a list field of the patient: its length read in place, so that `len` does not retain the list (lists of
  /// codes are shared between patients, and so between the threads scoring them).
  var listCount: Fn<Int>? = nil

  /// Evaluates to a dynamically typed `Value` (feature slots, explain).
  func value(_ ctx: EvaluationContext) -> Value {
    switch code {
    case .int(let f): return f(ctx).map(Value.int) ?? .null
    case .number(let f): return f(ctx).map(Value.number) ?? .null
    case .bool(let f): return f(ctx).map(Value.bool) ?? .null
    case .string(let f): return f(ctx).map(Value.string) ?? .null
    case .date(let f): return f(ctx).map(Value.date) ?? .null
    case .duration(let f): return f(ctx).map(Value.duration) ?? .null
    case .list(let f): return f(ctx).map(Value.list) ?? .null
    case .row(let kind, let f): return f(ctx).map { Value.row(kind, $0) } ?? .null
    case .valueSet, .extract: return .null
    }
  }

  var asInt: Fn<Int>? {
    if case .int(let f) = code { return f }
    return nil
  }

  var asBool: Fn<Bool>? {
    if case .bool(let f) = code { return f }
    return nil
  }

  var asDate: Fn<Day>? {
    if case .date(let f) = code { return f }
    return nil
  }

  /// Numeric code widened to Double (int or number).
  var asNumber: Fn<Double>? {
    switch code {
    case .number(let f): return f
    case .int(let f): return { ctx in f(ctx).map(Double.init) }
    default: return nil
    }
  }

  var asString: Fn<String>? {
    if case .string(let f) = code { return f }
    return nil
  }

  var asList: Fn<[String]>? {
    if case .list(let f) = code { return f }
    return nil
  }
}
