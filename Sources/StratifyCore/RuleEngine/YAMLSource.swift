import Foundation
import Yams

/// A YAML file read with Yams, with the helpers that turn node positions into `file:line:col` diagnostics:
/// key checking (unknown keys with did-you-mean, missing keys, wrong kinds of value) and exact positions inside
/// scalars, so an error in an expression points at its character in the file.
struct YAMLSource {
  let file: String
  let text: String
  let lines: [String]
  var diagnostics: [RuleDiagnostic] = []

  init(file: String, text: String) {
    self.file = file
    self.text = text
    lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
      $0.hasSuffix("\r") ? String($0.dropLast()) : String($0)
    }
  }

  /// Composes the document; a syntax error or a duplicate key becomes a diagnostic and nil.
  ///
  /// With Yams's `basic` resolver: every plain scalar is a string to Yams, which is how the loader reads them (it
  /// reads numbers, booleans and nulls from a scalar's text itself). The default resolver matched each scalar
  /// against its regular expressions whenever a node was hashed or compared, as the duplicate-key check does for
  /// every key: with compiling them, two thirds of loading a rule file. Keys still compare by their text, so `1:`
  /// and `"1":`, which the loader reads as the same key, are now a duplicate too.
  mutating func compose() -> Node? {
    do {
      return try Yams.compose(yaml: text, .basic)
    } catch let error as YamlError {
      switch error {
      case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
        .composer(_, let problem, let mark, _):
        var message = "YAML: \(problem)"
        if problem.contains("mapping values are not allowed") {
          message +=
            " (an expression with named arguments such as 'within: 180d' must be quoted: "
            + "'count(utilization, event_type == \"ed\", within: 180d)')"
        }
        report(at: SourceLocation(line: mark.line, column: mark.column), message)
      case .duplicatedKeysInMapping(let keys, let context):
        let key = keys.first ?? "?"
        report(at: duplicateLocation(of: key, after: context.mark), "duplicate key '\(key)'")
      default:
        report(at: SourceLocation(line: 1, column: 1), "YAML: \(error)")
      }
    } catch {
      report(at: SourceLocation(line: 1, column: 1), "YAML: \(error)")
    }
    return nil
  }

  /// Yams reports a duplicate at the first occurrence; the person needs the second one.
  private func duplicateLocation(of key: String, after mark: Mark) -> SourceLocation {
    Self.duplicateLocation(of: key, after: mark, lines: lines)
  }

  /// Where the second occurrence of mapping key `key` is in `lines` (the text's lines), from the first one at `mark`
  /// (where Yams reports a duplicate): a line at the first one's indentation, or in a flow mapping, that has the key
  /// plain, double- or single-quoted, followed by `:`. Falls back to `mark`.
  static func duplicateLocation(of key: String, after mark: Mark, lines: [String]) -> SourceLocation {
    func leadingSpaces(_ line: String) -> Int { line.prefix { $0 == " " }.count }
    let firstLine = mark.line
    let indent = firstLine >= 1 && firstLine <= lines.count ? leadingSpaces(lines[firstLine - 1]) : 0
    let spellings = ["\"\(key)\":", "'\(key)':", "\(key):"]
    var occurrences: [SourceLocation] = []
    for (i, line) in lines.enumerated() {
      let trimmed = line.drop { $0 == " " || $0 == "-" }
      let column = line.count - trimmed.count + 1
      let found =
        spellings.contains { trimmed.hasPrefix($0) }
        || spellings.contains { line.contains(" \($0) ") || line.contains("{\($0)") || line.contains(", \($0)") }
      if found, leadingSpaces(line) == indent || line.contains("{") {
        let col = spellings.lazy.compactMap { spelling in
          line.range(of: spelling).map { line.distance(from: line.startIndex, to: $0.lowerBound) + 1 }
        }.first
        occurrences.append(SourceLocation(line: i + 1, column: col ?? column))
      }
    }
    let after = occurrences.filter { $0.line >= firstLine }
    return after.count >= 2 ? after[1] : SourceLocation(line: mark.line, column: mark.column)
  }

  func location(_ node: Node?) -> SourceLocation {
    guard let mark = node?.mark else { return SourceLocation(line: 1, column: 1) }
    return SourceLocation(line: mark.line, column: mark.column)
  }

  func sourceLine(_ line: Int) -> String { line >= 1 && line <= lines.count ? lines[line - 1] : "" }

  mutating func report(at location: SourceLocation, _ message: String) { error(at: location, message) }

  mutating func error(at location: SourceLocation, _ message: String) {
    diagnostics.append(
      RuleDiagnostic(file: file, location: location, message: message, sourceLine: sourceLine(location.line)))
  }

  mutating func error(_ node: Node?, _ message: String) { error(at: location(node), message) }

  /// The entries of a mapping, in file order, after checking keys: an unknown key is an error (with did-you-mean),
  /// so is a missing required one. Returns nil (with a diagnostic) when the node is not a mapping.
  mutating func entries(
    _ node: Node, of what: String, allowed: [String], required: [String] = []
  ) -> [(key: String, keyNode: Node, value: Node)]? {
    guard let mapping = node.mapping else {
      error(node, "\(what) must be a mapping of keys (\(allowed.joined(separator: ", ")))")
      return nil
    }
    var result: [(String, Node, Node)] = []
    for (keyNode, value) in mapping {
      let key = keyNode.string ?? ""
      guard allowed.contains(key) else {
        error(keyNode, "unknown key '\(key)' in \(what)\(DidYouMean.hint(for: key, among: allowed))")
        continue
      }
      // Yams finds the duplicates of one spelling; keys are compared here as the loader reads them, as text (an
      // explicitly tagged `!!int 1` and a plain `1` are one key).
      guard !result.contains(where: { $0.0 == key }) else {
        error(keyNode, "duplicate key '\(key)'")
        continue
      }
      result.append((key, keyNode, value))
    }
    for key in required where !result.contains(where: { $0.0 == key }) {
      error(node, "\(what) needs '\(key)'")
    }
    return result
  }

  /// A scalar's text, or an error when it is a list or a mapping.
  mutating func string(_ node: Node, _ what: String) -> String? {
    guard case .scalar(let scalar) = node else {
      error(node, "\(what) must be a single value, not a list or mapping")
      return nil
    }
    return scalar.string
  }

  mutating func int(_ node: Node, _ what: String) -> Int? {
    guard case .scalar(let scalar) = node, let value = Int(scalar.string.trimmingCharacters(in: .whitespaces)) else {
      error(node, "\(what) must be a whole number, found '\(node.string ?? "a list or mapping")'")
      return nil
    }
    return value
  }

  mutating func bool(_ node: Node, _ what: String) -> Bool? {
    guard case .scalar(let scalar) = node else {
      error(node, "\(what) must be true or false")
      return nil
    }
    switch scalar.string.lowercased() {
    case "true", "yes", "y": return true
    case "false", "no", "n": return false
    default:
      error(node, "\(what) must be true or false, found '\(scalar.string)'")
      return nil
    }
  }

  mutating func sequence(_ node: Node, _ what: String) -> [Node]? {
    guard let seq = node.sequence else {
      error(node, "\(what) must be a list (items starting with '-')")
      return nil
    }
    return Array(seq)
  }

  /// Where each character of a scalar sits in the file: non-blank characters are matched in order against the
  /// source from the scalar's start (past the opening quote or block indicator), which holds for plain, quoted,
  /// literal and folded scalars alike.
  func sourceMap(of node: Node) -> SourceMap {
    guard case .scalar(let scalar) = node, let mark = scalar.mark else {
      return SourceMap(singleLineAt: location(node), length: node.string?.count ?? 0)
    }
    var line = mark.line
    var column = mark.column
    switch scalar.style {
    case .singleQuoted, .doubleQuoted: column += 1
    case .literal, .folded:
      line += 1
      column = 1
    default: break
    }
    var sourceChars = line <= lines.count ? Array(lines[line - 1].unicodeScalars) : []
    var locations: [SourceLocation] = []
    for c in scalar.string.unicodeScalars {
      if c == " " || c == "\n" || c == "\t" {
        locations.append(SourceLocation(line: line, column: column))
        continue
      }
      // Advance to the next source character equal to c, moving over line ends.
      var guardCount = 0
      while guardCount < 10_000 {
        guardCount += 1
        if column - 1 < sourceChars.count {
          if sourceChars[column - 1] == c { break }
          column += 1
        } else if line < lines.count {
          line += 1
          column = 1
          sourceChars = Array(lines[line - 1].unicodeScalars)
        } else {
          break
        }
      }
      locations.append(SourceLocation(line: line, column: column))
      column += 1
    }
    locations.append(SourceLocation(line: line, column: column))
    return SourceMap(locations: locations)
  }
}
