/// The process exit codes of the command-line contract (sysexits), so cron wrappers can tell failures apart.
public enum ExitStatus: Int32, Sendable, CaseIterable {
  case success = 0
  case failure = 1
  case usage = 64
  case dataError = 65
  case noInput = 66
  case cannotCreateOutput = 73
  case locked = 75
  case configuration = 78
}

/// An error that knows which exit code it maps to and prints as one line a person can act on.
public protocol StratifyError: Error, CustomStringConvertible {
  var exitStatus: ExitStatus { get }
}
