extension DataQualityReport {
  /// The summary people read after `validate` (and that `run` logs): an aligned table of rows per file, the
  /// rejects by reason, the unknown columns, and records over several lines. Counts, column names and line numbers
  /// only.
  public var text: String {
    var lines: [String] = []
    let table: [[String]] =
      [["file", "rows read", "accepted", "rejected", "rejected %"]]
      + files.map {
        [$0.file, "\($0.rowsRead)", "\($0.rowsAccepted)", "\($0.rowsRejected)", IngestError.percent($0.rejectShare)]
      }
    lines += Self.align(table, rightAligned: [1, 2, 3, 4])
    var threshold = "reject threshold: \(IngestError.percent(rejectThreshold)) of a file's rows"
    if files.contains(where: { $0.ownRejected != $0.rowsRejected }) {
      threshold += " (rows of a patient rejected in patients.csv count only there)"
    }
    lines.append(threshold)

    // The file name only on its first reason, so each file reads as a block.
    let reasons = files.flatMap { file in
      file.rejectsByCategory.enumerated().map {
        [$0.offset == 0 ? file.file : "", $0.element.category.label, "\($0.element.count)"]
      }
    }
    if !reasons.isEmpty {
      lines.append("")
      lines.append("Rejects by reason")
      lines += Self.align(reasons, rightAligned: [2]).map { "  " + $0 }
    }
    let unknown = files.filter { !$0.unknownColumns.isEmpty }
    if !unknown.isEmpty {
      lines.append("")
      lines.append("Unknown columns (ignored)")
      lines += Self.align(unknown.map { [$0.file, $0.unknownColumns.joined(separator: ", ")] }, rightAligned: [])
        .map { "  " + $0 }
    }
    let multiLine = files.compactMap { $0.multiLineRecords.warning(file: $0.file) }
    if !multiLine.isEmpty {
      lines.append("")
      lines.append("Records over several lines")
      lines += multiLine.map { "  " + $0 }
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// Pads each column to its widest cell; numbers right-aligned.
  private static func align(_ rows: [[String]], rightAligned: Set<Int>) -> [String] {
    guard let columns = rows.map(\.count).max() else { return [] }
    let widths = (0..<columns).map { c in rows.map { c < $0.count ? $0[c].count : 0 }.max() ?? 0 }
    return rows.map { row in
      row.enumerated().map { c, cell in
        let pad = String(repeating: " ", count: widths[c] - cell.count)
        let isLast = c == row.count - 1
        return rightAligned.contains(c) ? pad + cell : (isLast ? cell : cell + pad)
      }
      .joined(separator: "  ")
    }
  }
}
