import Yams

/// Reads typed values out of YAML nodes for `Configuration`, turning every problem into a `file:line:col`
/// diagnostic at the offending node.
struct ConfigurationReader {
  let file: String
  /// Folder that relative paths are resolved against (the configuration file's).
  let folder: String

  func error(at node: Node, _ message: String) -> ConfigurationError {
    let mark = node.mark
    return .invalid(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1, message: message)
  }

  /// The error for a configuration `text` Yams could not compose; a duplicate key is reported at its second
  /// occurrence, as `pairs(_:what:)` and the rule files report theirs.
  func diagnostic(for error: YamlError, text: String) -> ConfigurationError {
    switch error {
    case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
      .composer(_, let problem, let mark, _):
      return .invalid(file: file, line: mark.line, column: mark.column, message: "invalid YAML: \(problem)")
    case .duplicatedKeysInMapping(let duplicates, let context):
      let at = YAMLSource.duplicateLocation(
        of: duplicates.first ?? "", after: context.mark, lines: YAMLSource(file: file, text: text).lines)
      return .invalid(
        file: file, line: at.line, column: at.column, message: "duplicate key '\(duplicates.joined(separator: "', '"))'"
      )
    default:
      return .invalid(file: file, line: 1, column: 1, message: "invalid YAML: \(error)")
    }
  }

  func unknownKey(_ name: String, at node: Node, known: [String], in place: String) -> ConfigurationError {
    var message = "unknown key '\(name)' in \(place)"
    if let guess = Spelling.closest(to: name, among: known) {
      message += "; did you mean '\(guess)'?"
    } else {
      message += "; expected one of: \(known.joined(separator: ", "))"
    }
    return error(at: node, message)
  }

  /// What kind of YAML a node is, for "expected …, found …" messages.
  func describe(_ node: Node) -> String {
    switch node {
    case .mapping: return "a mapping"
    case .sequence: return "a list"
    case .alias: return "an alias"
    case .scalar(let scalar):
      if node.null != nil { return "nothing" }
      return "'\(scalar.string)'"
    }
  }

  /// The key/value pairs of a mapping, refusing duplicate keys and non-string keys.
  func pairs(_ node: Node, what: String) throws -> [(Node, Node)] {
    guard case .mapping(let mapping) = node else {
      throw error(at: node, "expected a mapping for \(what), found \(describe(node))")
    }
    var seen = Set<String>()
    var result: [(Node, Node)] = []
    for (key, value) in mapping {
      guard case .scalar(let scalar) = key else { throw error(at: key, "expected a name as key in \(what)") }
      guard seen.insert(scalar.string).inserted else { throw error(at: key, "duplicate key '\(scalar.string)'") }
      result.append((key, value))
    }
    return result
  }

  /// A non-empty scalar as text.
  func string(_ node: Node, key: String, expected: String = "a string") throws -> String {
    guard case .scalar(let scalar) = node, node.null == nil, !scalar.string.isEmpty else {
      throw error(at: node, "expected \(expected) for '\(key)', found \(describe(node))")
    }
    return scalar.string
  }

  /// A path, made absolute against the configuration file's folder.
  func path(_ node: Node, key: String) throws -> String {
    Self.absolute(try string(node, key: key, expected: "a path"), in: folder)
  }

  static func absolute(_ path: String, in folder: String) -> String {
    if path.hasPrefix("/") { return path }
    let base = folder.hasSuffix("/") ? String(folder.dropLast()) : folder
    return path == "." ? base : base + "/" + (path.hasPrefix("./") ? String(path.dropFirst(2)) : path)
  }

  /// A calendar date written `YYYY-MM-DD`.
  func day(_ node: Node, key: String) throws -> Day {
    let text = try string(node, key: key, expected: "a date (YYYY-MM-DD)")
    guard text.utf8.count == 10, let day = Day(iso: text) else {
      throw error(at: node, "expected a date (YYYY-MM-DD) for '\(key)', found '\(text)'")
    }
    return day
  }

  /// A share between 0 and 1.
  func share(_ node: Node, key: String) throws -> Double {
    let expected = "a share between 0 and 1 (0.01 = 1%)"
    let text = try string(node, key: key, expected: expected)
    guard let value = Double(text), value.isFinite, (0...1).contains(value) else {
      throw error(at: node, "expected \(expected) for '\(key)', found '\(text)'")
    }
    return value
  }

  /// `inputs: { patients: path, utilization: path, discharges: path }`.
  func extractPaths(_ node: Node) throws -> [ExtractKind: String] {
    var paths: [ExtractKind: String] = [:]
    for (key, value) in try pairs(node, what: "'inputs'") {
      let name = key.string ?? ""
      guard let kind = ExtractKind(rawValue: name) else {
        throw unknownKey(name, at: key, known: ExtractKind.allCases.map(\.key), in: "'inputs'")
      }
      paths[kind] = try path(value, key: "inputs.\(name)")
    }
    return paths
  }
}
