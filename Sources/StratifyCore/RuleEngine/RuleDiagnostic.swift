/// One finding about a rule file, printed like a compiler's so editors and CI can jump to it:
/// `Rules/default.yaml:42:17: error: unknown feature 'ed_visit_6m'; did you mean 'ed_visits_6m'?`
/// followed by the source line and a caret.
public struct RuleDiagnostic: Sendable, Hashable, CustomStringConvertible {
  public enum Severity: String, Sendable { case error, warning, note }

  public var file: String
  public var location: SourceLocation
  public var severity: Severity
  public var message: String
  /// The source line the location points into, for the caret excerpt (empty when unknown).
  public var sourceLine: String

  public init(
    file: String, location: SourceLocation, severity: Severity = .error, message: String, sourceLine: String = ""
  ) {
    self.file = file
    self.location = location
    self.severity = severity
    self.message = message
    self.sourceLine = sourceLine
  }

  /// `file:line:col: severity: message`.
  public var headline: String { "\(file):\(location.line):\(location.column): \(severity.rawValue): \(message)" }

  /// The headline, then the source line and a caret under the column.
  public var description: String {
    guard !sourceLine.isEmpty else { return headline }
    let prefix = sourceLine.unicodeScalars.prefix(max(0, location.column - 1))
    let pad = String(String.UnicodeScalarView(prefix.map { $0 == "\t" ? "\t" : " " }))
    return "\(headline)\n\(sourceLine)\n\(pad)^"
  }
}

/// A rule set that cannot be used: every diagnostic found, in file order. Exit 78.
public struct RuleSetError: StratifyError {
  public var diagnostics: [RuleDiagnostic]

  public init(_ diagnostics: [RuleDiagnostic]) { self.diagnostics = diagnostics }

  public var exitStatus: ExitStatus { .configuration }

  public var description: String {
    let errors = diagnostics.filter { $0.severity == .error }.count
    return diagnostics.map(\.description).joined(separator: "\n")
      + "\n\(errors) error\(errors == 1 ? "" : "s") in the rule set; nobody was scored."
  }
}

/// The "did you mean …?" suffix of a diagnostic, from `Spelling`.
enum DidYouMean {
  /// `; did you mean 'x'?` when a known name is close, else nothing.
  static func hint(for name: String, among candidates: some Sequence<String>) -> String {
    Spelling.closest(to: name, among: candidates).map { "; did you mean '\($0)'?" } ?? ""
  }
}
