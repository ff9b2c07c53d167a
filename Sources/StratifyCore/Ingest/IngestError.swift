/// Why the extracts cannot be used at all (as opposed to a bad row, which becomes a `Reject`). Each case prints as
/// one line naming the file (and line where it applies) and what to do about it.
public enum IngestError: StratifyError, Equatable {
  /// The file does not exist.
  case fileMissing(file: String, path: String)
  /// The file exists but cannot be opened or read.
  case unreadable(file: String, path: String, reason: String)
  /// 0 bytes, or no header record.
  case emptyFile(file: String, path: String)
  /// patients.csv has a header and no data rows: nobody to score.
  case noDataRows(file: String, path: String)
  /// A required contract column is not in the header (after mapping).
  case missingColumn(file: String, column: String, header: [String])
  /// The first line has none of the file's contract (or mapped) columns: a data row (a headerless export) or another
  /// system's header. It is never shown, since it may hold names, phones or diagnoses; `fields` is how many it has.
  case noHeader(file: String, fields: Int)
  /// The header holds NUL bytes: the file is UTF-16 (or another encoding that is not UTF-8).
  case notUTF8(file: String)
  /// Two header columns name (or are mapped to) the same contract column.
  case duplicateColumn(file: String, column: String, first: String, second: String)
  /// The file ends inside a quoted field; `line` is where that record starts.
  case unterminatedQuote(file: String, line: Int)
  /// More than the allowed share of a file's rows were rejected.
  case rejectThresholdExceeded(file: String, rejected: Int, read: Int, threshold: Double)

  public var exitStatus: ExitStatus {
    switch self {
    case .fileMissing, .unreadable: return .noInput
    default: return .dataError
    }
  }

  public var description: String {
    switch self {
    case .fileMissing(let file, let path):
      return "\(file) not found: \(path); check --input (or `input`/`inputs` in the configuration)"
    case .unreadable(let file, let path, let reason):
      return "\(path): cannot read \(file): \(reason)"
    case .emptyFile(let file, let path):
      return "\(path): \(file) is empty; expected a header line and data rows (is the extract job finished?)"
    case .noDataRows(let file, let path):
      return "\(path): \(file) has a header but no data rows; expected at least one patient"
    case .missingColumn(let file, let column, let header):
      var text = "\(file):1: missing required column '\(column)'; header has: \(header.joined(separator: ", "))"
      if let guess = Spelling.closest(to: column, among: header, orContaining: true) {
        text += "; did you mean '\(guess)'? (map it under mapping.\(ExtractKind(fileName: file)?.key ?? "<file>").columns)"
      }
      return text
    case .notUTF8(let file):
      return "\(file):1: not UTF-8: the header holds NUL bytes (a UTF-16 export?); export the file as UTF-8"
    case .noHeader(let file, let fields):
      return "\(file):1: no known column: line 1 has none of the file's columns (\(fields) fields, not shown: it may be"
        + " a data row). If the header line is missing, the extract must begin with one, e.g."
        + " \(Self.exampleHeader(file)); if it is another system's header, map its names under"
        + " mapping.\(ExtractKind(fileName: file)?.key ?? "<file>").columns"
    case .duplicateColumn(let file, let column, let first, let second):
      return "\(file):1: columns '\(first)' and '\(second)' both give '\(column)'; keep one, or map the other away"
    case .unterminatedQuote(let file, let line):
      return "\(file):\(line): unterminated quote: the record starting here opens a quoted field that never closes"
        + " before end of file; fix the quoting in the extract"
    case .rejectThresholdExceeded(let file, let rejected, let read, let threshold):
      return "\(file): \(rejected) of \(read) rows rejected (\(Self.percent(Double(rejected) / Double(read)))), over the"
        + " threshold of \(Self.percent(threshold)); see the rejects for reasons, or raise reject_threshold"
    }
  }

  /// The first required columns of `file`, as a header would name them.
  static func exampleHeader(_ file: String) -> String {
    guard let kind = ExtractKind(fileName: file) else { return "the contract's column names" }
    return "'" + kind.columns.filter(\.required).map(\.name).joined(separator: ",") + ",…'"
  }

  /// `0.0123` → `1.2%`.
  static func percent(_ share: Double) -> String {
    let tenths = Int((share * 1000).rounded())
    return "\(tenths / 10).\(tenths % 10)%"
  }
}
