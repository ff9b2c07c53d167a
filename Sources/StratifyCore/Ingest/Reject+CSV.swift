/// The rejects file could not be written.
public struct RejectsWriteError: StratifyError {
  public var path: String
  public var reason: String
  public var exitStatus: ExitStatus { .cannotCreateOutput }
  public var description: String { "cannot write rejects to \(path): \(reason)" }
}

extension Reject {
  /// The rejects file header: `file,line,column,reason`.
  public static let csvHeader = ["file", "line", "column", "reason"]

  /// Writes `rejects` as CSV (`file,line,column,reason`) to `path`, created with mode 0640.
  public static func write(_ rejects: [Reject], toCSV path: String) throws {
    do {
      let writer = try CSVWriter(path: path, permissions: 0o640, protectFormulas: true)
      try writer.writeRow(csvHeader)
      for reject in rejects {
        try writer.writeRow([reject.file, String(reject.line), reject.column, reject.reason])
      }
      try writer.close()
    } catch let error as CSVWriteError {
      throw RejectsWriteError(path: path, reason: error.description)
    }
  }
}
