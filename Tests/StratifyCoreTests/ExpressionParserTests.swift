import Testing

@testable import StratifyCore

@Suite struct ExpressionParserTests {
  /// Renders a tree with explicit parentheses to check precedence.
  func render(_ e: Expression) -> String {
    switch e {
    case .number(let v, let isInteger, _): return isInteger ? String(Int(v)) : String(v)
    case .string(let s, _): return "\"\(s)\""
    case .date(let d, _): return d.description
    case .duration(let d, _): return d.description
    case .boolean(let b, _): return String(b)
    case .null: return "null"
    case .name(let n, _): return n
    case .list(let items, _): return "[" + items.map(render).joined(separator: ", ") + "]"
    case .member(let b, let f, _): return render(b) + "." + f
    case .call(let n, let args, _):
      return n + "(" + args.map { ($0.label.map { $0 + ": " } ?? "") + render($0.value) }.joined(separator: ", ") + ")"
    case .unary(let op, let x, _): return "(\(op) \(render(x)))"
    case .binary(let op, let l, let r, _): return "(\(render(l)) \(op) \(render(r)))"
    case .isNull(let x, let negated, _): return "(\(render(x)) is \(negated ? "not " : "")null)"
    case .conditional(let c, let a, let b, _): return "(if \(render(c)) then \(render(a)) else \(render(b)))"
    }
  }

  @Test(arguments: [
    ("a or b and not c", "(a or (b and (not c)))"),
    ("1 + 2 * 3 >= 7", "((1 + (2 * 3)) >= 7)"),
    ("as_of - 180d", "(as_of - 180d)"),
    ("x.y.z is not null", "(x.y.z is not null)"),
    ("t not in [\"a\", \"b\"]", "(t not in [\"a\", \"b\"])"),
    ("count(u, e == \"ed\", within: 6mo)", "count(u, (e == \"ed\"), within: 6mo)"),
    ("if a then 7d else 14d", "(if a then 7d else 14d)"),
    ("d > 2026-11-20 - 1y", "(d > (2026-11-20 - 1y))"),
    ("-x - -2", "((- x) - (- 2))"),
  ])
  func parsesWithPrecedence(source: String, tree: String) throws {
    #expect(render(try Parser.parse(source)) == tree)
  }

  @Test(arguments: [
    ("count(utilization", 17, "expected ',' or ')' in the arguments of count"),
    ("[\"a\" \"b\"]", 5, "expected ',' or ']' in the list"),
    ("a ==", 4, "expected a value"),
    ("180days", 3, "unknown duration unit 'days'"),
    ("\"open", 0, "unterminated string"),
    ("a b", 2, "unexpected 'b' after the expression"),
    ("x is 3", 5, "expected 'null' after 'is'"),
    ("2026-02-30", 0, "'2026-02-30' is not a valid date"),
  ])
  func reportsSyntaxErrorsAtTheirOffset(source: String, offset: Int, message: String) {
    do {
      _ = try Parser.parse(source)
      Issue.record("'\(source)' parsed")
    } catch {
      #expect(error.offset == offset)
      #expect(error.message.contains(message), "\(error.message)")
    }
  }
}
