import Foundation

/// What reading one extract produced besides its parsed rows.
struct ExtractFileOutcome: Sendable {
  var summary: InputFileSummary
  var rejects: [Reject]
  /// Byte ranges parsed side by side (1 for a sequential read).
  var chunksParsed = 1
}

/// Reads one extract end to end: header against the contract, then every data record through a row parser;
/// a record that breaks the contract becomes a `Reject` and reading goes on.
enum ExtractFile {
  /// Reads `path` as `kind`; `makeParser` builds the row parser once the header is known.
  static func read<Parser: ExtractRowParser>(
    _ kind: ExtractKind, path: String, mapping: ExtractMapping, blockSize: Int,
    progress: (@Sendable (String, Int, Int) -> Void)? = nil,
    makeParser: (HeaderBinding) -> Parser
  ) throws -> (Parser, ExtractFileOutcome) {
    let total = fileSize(path) ?? 0
    let reader = CSVReader(
      path: path, fileName: kind.fileName, blockSize: blockSize,
      progress: progress.map { report in { report(kind.fileName, $0, total) } })
    var binding: HeaderBinding?
    var parser: Parser?
    var rejects: [Reject] = []
    var rowsRead = 0
    let summary = try reader.read { record in
      guard let binding, parser != nil else {
        let header = try HeaderBinding(header: record.strings, kind: kind, mapping: mapping)
        binding = header
        parser = makeParser(header)
        return
      }
      rowsRead += 1
      if let reject = try accept(record, into: &parser!, kind: kind, binding: binding, mapping: mapping) {
        rejects.append(reject)
      }
    }
    guard let binding, let parser else { throw IngestError.emptyFile(file: kind.fileName, path: path) }
    let outcome = ExtractFileOutcome(
      summary: InputFileSummary(
        kind: kind, file: kind.fileName, path: path, byteCount: summary.byteCount, sha256: summary.sha256,
        rowsRead: rowsRead, rowsAccepted: rowsRead - rejects.count, rowsRejected: rejects.count,
        unknownColumns: binding.unknownColumns, multiLineRecords: summary.multiLine),
      rejects: rejects)
    return (parser, outcome)
  }

  /// Runs one data record through `parser`; the reject when it breaks the contract (a `FieldProblem`).
  @inline(__always)
  static func accept<Parser: ExtractRowParser>(
    _ record: CSVRecord, into parser: inout Parser, kind: ExtractKind, binding: HeaderBinding,
    mapping: ExtractMapping
  ) throws -> Reject? {
    guard record.count == binding.fieldCount else {
      return fieldCountReject(kind, line: record.line, expected: binding.fieldCount, found: record.count)
    }
    do {
      try parser.parse(RowReader(record: record, dateFormat: mapping.dateFormat))
    } catch let problem as FieldProblem {
      return reject(problem, kind: kind, line: record.line)
    }
    return nil
  }

  /// The size of the file at `path`, following symbolic links (an extract delivered as a link to the file is cut
  /// into ranges like the file itself); nil when it cannot be read.
  static func fileSize(_ path: String) -> Int? {
    var info = stat()
    return stat(path, &info) == 0 ? Int(info.st_size) : nil
  }

  /// The reject of a record with `found` fields where the header has `expected`.
  static func fieldCountReject(_ kind: ExtractKind, line: Int, expected: Int, found: Int) -> Reject {
    Reject(
      file: kind.fileName, line: line, column: "", reason: "expected \(expected) fields, found \(found)",
      category: .wrongFieldCount)
  }

  /// The reject of a record whose row parser found `problem`.
  static func reject(_ problem: FieldProblem, kind: ExtractKind, line: Int) -> Reject {
    Reject(file: kind.fileName, line: line, column: problem.column, reason: problem.reason, category: problem.category)
  }
}
