/// A configuration that cannot be used; file problems print like a compiler diagnostic so editors can jump there.
public enum ConfigurationError: StratifyError, Equatable {
  /// `file:line:col: error: message`.
  case invalid(file: String, line: Int, column: Int, message: String)
  /// An explicit `--config` that does not exist.
  case fileNotFound(path: String)
  case unreadable(path: String, reason: String)
  /// A setting no flag and no configuration file provides.
  case missingSetting(name: String, hint: String)
  /// A flag whose value cannot be used.
  case invalidFlag(flag: String, value: String, expected: String)

  public var exitStatus: ExitStatus {
    switch self {
    case .invalid, .unreadable: return .configuration
    case .fileNotFound: return .noInput
    case .missingSetting, .invalidFlag: return .usage
    }
  }

  public var description: String {
    switch self {
    case .invalid(let file, let line, let column, let message):
      return "\(file):\(line):\(column): error: \(message)"
    case .fileNotFound(let path):
      return "configuration file not found: \(path); check --config"
    case .unreadable(let path, let reason):
      return "cannot read configuration file \(path): \(reason)"
    case .missingSetting(let name, let hint):
      return "no \(name) given: \(hint)"
    case .invalidFlag(let flag, let value, let expected):
      return "invalid value '\(value)' for \(flag): expected \(expected)"
    }
  }
}
