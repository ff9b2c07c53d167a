/// Recursive-descent parser of the expression language:
/// ```
/// expr   := or
/// or     := and ('or' and)*
/// and    := not ('and' not)*
/// not    := 'not' not | cmp
/// cmp    := add (('=='|'!='|'<'|'<='|'>'|'>=') add | 'not'? 'in' add | 'is' 'not'? 'null')?
/// add    := mul (('+'|'-') mul)*
/// mul    := unary (('*'|'/') unary)*
/// unary  := '-' unary | postfix
/// postfix:= primary ('.' name)*
/// primary:= number | duration | string | date | true | false | null | name | name '(' args ')'
///         | '(' expr ')' | '[' expr, … ']' | 'if' expr 'then' expr 'else' expr
/// args   := (arg (',' arg)*)?     arg := (name ':')? expr
/// ```
struct Parser {
  struct Failure: Error {
    var offset: Int
    var message: String
  }

  private var tokens: [Token]
  private var index = 0

  /// Parses a whole expression; trailing tokens are an error.
  static func parse(_ text: String) throws(Failure) -> Expression {
    let tokens: [Token]
    do {
      tokens = try Lexer.tokenize(text)
    } catch {
      throw Failure(offset: error.offset, message: error.message)
    }
    var parser = Parser(tokens: tokens)
    if case .end = parser.peek.kind { throw Failure(offset: 0, message: "expected an expression") }
    let expression = try parser.parseOr()
    guard case .end = parser.peek.kind else {
      throw Failure(
        offset: parser.peek.start, message: "unexpected \(parser.describe(parser.peek)) after the expression")
    }
    return expression
  }

  private init(tokens: [Token]) { self.tokens = tokens }

  private var peek: Token { tokens[index] }

  private mutating func advance() -> Token {
    let token = tokens[index]
    if index < tokens.count - 1 { index += 1 }
    return token
  }

  private func isSymbol(_ symbol: String) -> Bool {
    if case .symbol(let s) = peek.kind, s == symbol { return true }
    return false
  }

  private func isKeyword(_ keyword: Keyword) -> Bool {
    if case .keyword(let k) = peek.kind, k == keyword { return true }
    return false
  }

  private func describe(_ token: Token) -> String {
    switch token.kind {
    case .end: return "end of expression"
    case .symbol(let s): return "'\(s)'"
    case .keyword(let k): return "'\(k.rawValue)'"
    case .identifier(let n): return "'\(n)'"
    case .string(let s): return "string \"\(s)\""
    case .number, .duration, .date: return "value"
    }
  }

  private mutating func expect(symbol: String, _ what: String) throws(Failure) {
    guard isSymbol(symbol) else {
      throw Failure(offset: peek.start, message: "expected '\(symbol)' \(what), found \(describe(peek))")
    }
    _ = advance()
  }

  private mutating func parseOr() throws(Failure) -> Expression {
    var left = try parseAnd()
    while isKeyword(.or) {
      let op = advance()
      left = .binary("or", left, try parseAnd(), at: op.start)
    }
    return left
  }

  private mutating func parseAnd() throws(Failure) -> Expression {
    var left = try parseNot()
    while isKeyword(.and) {
      let op = advance()
      left = .binary("and", left, try parseNot(), at: op.start)
    }
    return left
  }

  private mutating func parseNot() throws(Failure) -> Expression {
    if isKeyword(.not) {
      let op = advance()
      return .unary("not", try parseNot(), at: op.start)
    }
    return try parseComparison()
  }

  private mutating func parseComparison() throws(Failure) -> Expression {
    let left = try parseAdditive()
    if case .symbol(let s) = peek.kind, ["==", "!=", "<", "<=", ">", ">="].contains(s) {
      let op = advance()
      return .binary(s, left, try parseAdditive(), at: op.start)
    }
    if isKeyword(.in) {
      let op = advance()
      return .binary("in", left, try parseAdditive(), at: op.start)
    }
    if isKeyword(.not) {
      let op = advance()
      guard isKeyword(.in) else {
        throw Failure(offset: peek.start, message: "expected 'in' after 'not' here, found \(describe(peek))")
      }
      _ = advance()
      return .binary("not in", left, try parseAdditive(), at: op.start)
    }
    if isKeyword(.is) {
      let op = advance()
      var negated = false
      if isKeyword(.not) {
        _ = advance()
        negated = true
      }
      guard isKeyword(.null) else {
        throw Failure(offset: peek.start, message: "expected 'null' after 'is', found \(describe(peek))")
      }
      _ = advance()
      return .isNull(left, negated: negated, at: op.start)
    }
    return left
  }

  private mutating func parseAdditive() throws(Failure) -> Expression {
    var left = try parseMultiplicative()
    while isSymbol("+") || isSymbol("-") {
      let op = advance()
      guard case .symbol(let s) = op.kind else { break }
      left = .binary(s, left, try parseMultiplicative(), at: op.start)
    }
    return left
  }

  private mutating func parseMultiplicative() throws(Failure) -> Expression {
    var left = try parseUnary()
    while isSymbol("*") || isSymbol("/") {
      let op = advance()
      guard case .symbol(let s) = op.kind else { break }
      left = .binary(s, left, try parseUnary(), at: op.start)
    }
    return left
  }

  private mutating func parseUnary() throws(Failure) -> Expression {
    if isSymbol("-") {
      let op = advance()
      return .unary("-", try parseUnary(), at: op.start)
    }
    return try parsePostfix()
  }

  private mutating func parsePostfix() throws(Failure) -> Expression {
    var base = try parsePrimary()
    while isSymbol(".") {
      _ = advance()
      let nameToken = advance()
      guard case .identifier(let field) = nameToken.kind else {
        throw Failure(offset: nameToken.start, message: "expected a field name after '.', found \(describe(nameToken))")
      }
      base = .member(base, field, at: nameToken.start)
    }
    return base
  }

  private mutating func parsePrimary() throws(Failure) -> Expression {
    let token = advance()
    switch token.kind {
    case .number(let v, let isInteger): return .number(v, isInteger: isInteger, at: token.start)
    case .duration(let amount, let unit): return .duration(Duration(amount: amount, unit: unit), at: token.start)
    case .string(let s): return .string(s, at: token.start)
    case .date(let d): return .date(d, at: token.start)
    case .keyword(.true): return .boolean(true, at: token.start)
    case .keyword(.false): return .boolean(false, at: token.start)
    case .keyword(.null): return .null(at: token.start)
    case .keyword(.if):
      let condition = try parseOr()
      guard isKeyword(.then) else {
        throw Failure(offset: peek.start, message: "expected 'then' in 'if … then … else …', found \(describe(peek))")
      }
      _ = advance()
      let whenTrue = try parseOr()
      guard isKeyword(.else) else {
        throw Failure(offset: peek.start, message: "expected 'else' in 'if … then … else …', found \(describe(peek))")
      }
      _ = advance()
      return .conditional(condition, whenTrue, try parseOr(), at: token.start)
    case .identifier(let name):
      guard isSymbol("(") else { return .name(name, at: token.start) }
      _ = advance()
      var arguments: [Expression.Argument] = []
      while !isSymbol(")") {
        if !arguments.isEmpty {
          guard isSymbol(",") else {
            throw Failure(
              offset: peek.start, message: "expected ',' or ')' in the arguments of \(name), found \(describe(peek))")
          }
          _ = advance()
        }
        var label: String?
        var labelOffset = peek.start
        if case .identifier(let n) = peek.kind, index + 1 < tokens.count, case .symbol(":") = tokens[index + 1].kind {
          label = n
          labelOffset = peek.start
          _ = advance()
          _ = advance()
        }
        arguments.append(Expression.Argument(label: label, labelOffset: labelOffset, value: try parseOr()))
      }
      _ = advance()
      return .call(name, arguments, at: token.start)
    case .symbol("("):
      let inner = try parseOr()
      try expect(symbol: ")", "to close '('")
      return inner
    case .symbol("["):
      var items: [Expression] = []
      while !isSymbol("]") {
        if !items.isEmpty {
          guard isSymbol(",") else {
            throw Failure(offset: peek.start, message: "expected ',' or ']' in the list, found \(describe(peek))")
          }
          _ = advance()
        }
        items.append(try parseOr())
      }
      _ = advance()
      return .list(items, at: token.start)
    default:
      throw Failure(offset: token.start, message: "expected a value, a name or '(', found \(describe(token))")
    }
  }
}
