/// The static type of an expression. Every value may also be null; nullability is tracked beside the type.
public enum ValueType: Sendable, Equatable, CustomStringConvertible {
  case int
  case number
  case bool
  /// A string; `domain` lists the allowed values of an enumerated field (event_type, disposition, tier …).
  case string(domain: [String]?)
  case date
  case duration
  case list
  case record(RecordKind)
  case valueSet
  case extract(RecordKind)

  public var description: String {
    switch self {
    case .int: return "whole number"
    case .number: return "number"
    case .bool: return "true/false"
    case .string: return "text"
    case .date: return "date"
    case .duration: return "duration"
    case .list: return "list"
    case .record(let kind): return kind.recordName
    case .valueSet: return "value set"
    case .extract(let kind): return "extract '\(kind.extractName)'"
    }
  }

  var isNumeric: Bool { self == .int || self == .number }

  var isString: Bool {
    if case .string = self { return true }
    return false
  }

  public static func == (a: ValueType, b: ValueType) -> Bool {
    switch (a, b) {
    case (.int, .int), (.number, .number), (.bool, .bool), (.date, .date), (.duration, .duration), (.list, .list),
      (.valueSet, .valueSet), (.string, .string):
      return true
    case (.record(let x), .record(let y)), (.extract(let x), .extract(let y)): return x == y
    default: return false
    }
  }
}

/// The kinds of record a rule can look at: the patient row, a utilization event, a discharge (stay).
public enum RecordKind: Sendable, Hashable {
  case patient, event, stay

  var recordName: String {
    switch self {
    case .patient: return "patient"
    case .event: return "utilization event"
    case .stay: return "stay"
    }
  }

  var extractName: String {
    switch self {
    case .patient: return "patients"
    case .event: return "utilization"
    case .stay: return "discharges"
    }
  }
}

/// A value computed at run time (feature values, explain output).
public enum Value: Sendable, Equatable, CustomStringConvertible {
  case null
  case int(Int)
  case number(Double)
  case bool(Bool)
  case string(String)
  case date(Day)
  case duration(Duration)
  case list([String])
  /// A row of an extract: its index in the grouped rows of that extract (patient: patient index).
  case row(RecordKind, Int)

  public var description: String {
    switch self {
    case .null: return "null"
    case .int(let v): return String(v)
    case .number(let v): return v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(v)
    case .bool(let v): return v ? "true" : "false"
    case .string(let v): return v
    case .date(let v): return v.description
    case .duration(let v): return v.description
    case .list(let v): return v.joined(separator: ";")
    case .row(let kind, let index): return "\(kind.recordName) #\(index)"
    }
  }

  var isNull: Bool { self == .null }
}
