/// The syntax tree of one expression, as written. Offsets point into the expression text; the `SourceMap`
/// of the expression turns them into rule-file positions.
indirect enum Expression: Sendable {
  case number(Double, isInteger: Bool, at: Int)
  case string(String, at: Int)
  case date(Day, at: Int)
  case duration(Duration, at: Int)
  case boolean(Bool, at: Int)
  case null(at: Int)
  case name(String, at: Int)
  case list([Expression], at: Int)
  case member(Expression, String, at: Int)
  case call(String, [Argument], at: Int)
  case unary(String, Expression, at: Int)
  case binary(String, Expression, Expression, at: Int)
  case isNull(Expression, negated: Bool, at: Int)
  case conditional(Expression, Expression, Expression, at: Int)

  /// A call argument, positional (`label == nil`) or named (`within: 180d`).
  struct Argument: Sendable {
    var label: String?
    var labelOffset: Int
    var value: Expression
  }

  /// Offset of the construct (for operators: the operator itself).
  var offset: Int {
    switch self {
    case .number(_, _, let at), .string(_, let at), .date(_, let at), .duration(_, let at), .boolean(_, let at),
      .null(let at), .name(_, let at), .list(_, let at), .member(_, _, let at), .call(_, _, let at),
      .unary(_, _, let at), .binary(_, _, _, let at), .isNull(_, _, let at), .conditional(_, _, _, let at):
      return at
    }
  }

  /// Offset of the leftmost character of the expression.
  var startOffset: Int {
    switch self {
    case .member(let base, _, _), .binary(_, let base, _, _), .isNull(let base, _, _): return base.startOffset
    default: return offset
    }
  }
}
