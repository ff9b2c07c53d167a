/// A lexical token of the expression language, with its offset range in the expression text.
struct Token: Sendable, Equatable {
  enum Kind: Sendable, Equatable {
    case number(Double, isInteger: Bool)
    case duration(Int, DurationUnit)
    case string(String)
    case date(Day)
    case identifier(String)
    case keyword(Keyword)
    case symbol(String)
    case end
  }

  var kind: Kind
  var start: Int
  var end: Int
}

/// Reserved words of the expression language.
enum Keyword: String, Sendable, CaseIterable {
  case and, or, not, `in`, `is`, null, `true`, `false`, `if`, then, `else`
}

/// A calendar length: days and weeks are exact; months and years follow the calendar (Jan 31 + 1mo = Feb 28).
public enum DurationUnit: String, Sendable, Hashable {
  case days = "d"
  case weeks = "w"
  case months = "mo"
  case years = "y"
}

/// A duration value such as `180d`, `6mo`, `1y`.
public struct Duration: Sendable, Hashable, CustomStringConvertible {
  public var amount: Int
  public var unit: DurationUnit

  /// Adds the duration to a date (a negative `sign` subtracts it).
  public func added(to day: Day, sign: Int = 1) -> Day {
    switch unit {
    case .days: return day + sign * amount
    case .weeks: return day + sign * amount * 7
    case .months: return day.addingMonths(sign * amount)
    case .years: return day.addingMonths(sign * amount * 12)
    }
  }

  public var description: String { "\(amount)\(unit.rawValue)" }
}

/// Splits an expression into tokens; a character it cannot read is reported at its offset.
struct Lexer {
  struct Failure: Error {
    var offset: Int
    var message: String
  }

  static func tokenize(_ text: String) throws(Failure) -> [Token] {
    let s = Array(text.unicodeScalars)
    var tokens: [Token] = []
    var i = 0
    func isDigit(_ c: Unicode.Scalar) -> Bool { c >= "0" && c <= "9" }
    func isIdentStart(_ c: Unicode.Scalar) -> Bool { c == "_" || (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") }
    func isIdent(_ c: Unicode.Scalar) -> Bool { isIdentStart(c) || isDigit(c) }
    while i < s.count {
      let c = s[i]
      if c == " " || c == "\t" || c == "\n" || c == "\r" {
        i += 1
        continue
      }
      let start = i
      if c == "#" {  // a comment runs to the end of the line
        while i < s.count, s[i] != "\n" { i += 1 }
        continue
      }
      if isDigit(c) {
        // A date literal YYYY-MM-DD.
        if i + 10 <= s.count, s[i + 4] == "-", s[i + 7] == "-",
          (0..<10).allSatisfy({ $0 == 4 || $0 == 7 || isDigit(s[i + $0]) }),
          i + 10 == s.count || !isIdent(s[i + 10])
        {
          let text = String(String.UnicodeScalarView(s[i..<(i + 10)]))
          guard let day = Day(iso: text) else { throw Failure(offset: i, message: "'\(text)' is not a valid date") }
          tokens.append(Token(kind: .date(day), start: i, end: i + 10))
          i += 10
          continue
        }
        while i < s.count, isDigit(s[i]) { i += 1 }
        var isInteger = true
        if i + 1 < s.count, s[i] == ".", isDigit(s[i + 1]) {
          isInteger = false
          i += 1
          while i < s.count, isDigit(s[i]) { i += 1 }
        }
        let numberText = String(String.UnicodeScalarView(s[start..<i]))
        if i < s.count, isIdentStart(s[i]) {
          let unitStart = i
          while i < s.count, isIdent(s[i]) { i += 1 }
          let unitText = String(String.UnicodeScalarView(s[unitStart..<i]))
          guard isInteger, let unit = DurationUnit(rawValue: unitText), let amount = Int(numberText) else {
            throw Failure(
              offset: unitStart,
              message: "unknown duration unit '\(unitText)'; use d (days), w (weeks), mo (months) or y (years)")
          }
          tokens.append(Token(kind: .duration(amount, unit), start: start, end: i))
          continue
        }
        tokens.append(Token(kind: .number(Double(numberText)!, isInteger: isInteger), start: start, end: i))
        continue
      }
      if isIdentStart(c) {
        while i < s.count, isIdent(s[i]) { i += 1 }
        let word = String(String.UnicodeScalarView(s[start..<i]))
        if let keyword = Keyword(rawValue: word) {
          tokens.append(Token(kind: .keyword(keyword), start: start, end: i))
        } else {
          tokens.append(Token(kind: .identifier(word), start: start, end: i))
        }
        continue
      }
      if c == "\"" || c == "'" {
        var value = String.UnicodeScalarView()
        i += 1
        while true {
          guard i < s.count else { throw Failure(offset: start, message: "unterminated string") }
          if s[i] == c { break }
          if s[i] == "\\", i + 1 < s.count {
            i += 1
          }
          value.append(s[i])
          i += 1
        }
        i += 1
        tokens.append(Token(kind: .string(String(value)), start: start, end: i))
        continue
      }
      let two = i + 1 < s.count ? String(String.UnicodeScalarView([c, s[i + 1]])) : ""
      if ["==", "!=", "<=", ">="].contains(two) {
        tokens.append(Token(kind: .symbol(two), start: start, end: i + 2))
        i += 2
        continue
      }
      if "+-*/<>()[],.:".unicodeScalars.contains(c) {
        tokens.append(Token(kind: .symbol(String(c)), start: start, end: i + 1))
        i += 1
        continue
      }
      if c == "=" {
        throw Failure(offset: i, message: "'=' is not an operator; use '==' to compare")
      }
      throw Failure(offset: i, message: "unexpected character '\(c)'")
    }
    tokens.append(Token(kind: .end, start: s.count, end: s.count))
    return tokens
  }
}
