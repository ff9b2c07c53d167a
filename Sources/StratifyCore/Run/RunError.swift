/// Why a nightly run stopped, beyond bad input (IngestError) and bad rules (RuleSetError).
public enum RunError: StratifyError {
  /// Another run holds `<output>/stratify.lock`.
  case locked(path: String)
  /// An output could not be written (disk full, permissions); the last good outputs stay in place.
  case cannotWrite(path: String, reason: String)
  /// The history store could not be read or written.
  case history(path: String, reason: String)
  case unknownPatient(id: String)

  public var exitStatus: ExitStatus {
    switch self {
    case .locked: return .locked
    case .cannotWrite, .history: return .cannotCreateOutput
    case .unknownPatient: return .dataError
    }
  }

  public var description: String {
    switch self {
    case .locked(let path):
      return "another stratify run holds the lock \(path); this run did nothing (try again when it has finished)"
    case .cannotWrite(let path, let reason):
      return "cannot write \(path): \(reason); the previously published outputs are unchanged"
    case .history(let path, let reason):
      return "history store \(path): \(reason); the previously published outputs are unchanged"
    case .unknownPatient(let id):
      return
        "patient '\(id)' is not among the accepted patients of patients.csv (see `stratify validate --rejects FILE`)"
    }
  }
}
