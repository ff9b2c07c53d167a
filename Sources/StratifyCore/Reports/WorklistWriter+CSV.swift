import Foundation

extension WorklistWriter {
  /// Writes `worklist.csv` at `path` and one CSV per list in `folder` (created 0750) from one encoding of the rows:
  /// a list's file holds the same rows as worklist.csv, so each row is encoded once and a list's file is its rows'
  /// bytes (one range when the items are in list order, as `WorklistBuilder` gives them).
  public static func writeCSVFiles(_ items: [WorklistItem], to path: String, listFolder folder: String) throws {
    let rows = EncodedRows(items)
    try rows.write(ranges: [rows.bytes.indices], to: path)
    try writeListFiles(rows, items, folder: folder)
  }

  public static func writeCSV(_ items: [WorklistItem], to path: String) throws {
    let rows = EncodedRows(items)
    try rows.write(ranges: [rows.bytes.indices], to: path)
  }

  /// One CSV per list, in `folder` (created 0750).
  public static func writeListFiles(_ items: [WorklistItem], folder: String) throws {
    try writeListFiles(EncodedRows(items), items, folder: folder)
  }

  static func writeListFiles(_ rows: EncodedRows, _ items: [WorklistItem], folder: String) throws {
    guard mkdir(folder, OutputFolder.folderPermissions) == 0 || errno == EEXIST else {
      throw CSVWriteError.cannotCreate(path: folder, reason: String(cString: strerror(errno)))
    }
    // Each list's rows as byte ranges, in item order; a row right after the list's previous one extends its range.
    var byList: [String: [Range<Int>]] = [:]
    var lastList: String?
    for (i, item) in items.enumerated() {
      let row = rows.row(i)
      if item.list == lastList {
        byList[item.list]![byList[item.list]!.count - 1] = byList[item.list]!.last!.lowerBound..<row.upperBound
      } else if byList[item.list] == nil {
        byList[item.list] = [row]
      } else {
        byList[item.list]!.append(row)
      }
      lastList = item.list
    }
    for (list, ranges) in byList {
      try rows.write(ranges: ranges, to: folder + "/" + fileName(list) + ".csv")
    }
  }

  /// The data rows of a worklist CSV, encoded as `CSVWriter` (with formula protection) writes them, in one buffer.
  struct EncodedRows {
    static let headerBytes: [UInt8] = {
      var out: [UInt8] = []
      ScoresWriter.appendRow(WorklistWriter.header, to: &out)
      return out
    }()

    var bytes: [UInt8] = []
    /// The end offset of each row in `bytes`.
    var ends: [Int] = []

    init(_ items: [WorklistItem]) {
      bytes.reserveCapacity(items.count * 160)
      ends.reserveCapacity(items.count)
      var number: [UInt8] = []
      func field(_ text: String, _ out: inout [UInt8]) {
        var text = text
        text.withUTF8 { ScoresWriter.appendField($0, to: &out) }
        out.append(UInt8(ascii: ","))
      }
      func field(_ value: Int, _ out: inout [UInt8]) {
        number.removeAll(keepingCapacity: true)
        ScoresWriter.appendDecimal(value, to: &number)
        ScoresWriter.appendField(number, to: &out)
        out.append(UInt8(ascii: ","))
      }
      for item in items {
        field(item.caseManagerID, &bytes)
        field(item.patientID, &bytes)
        field(item.action, &bytes)
        field(item.due.description, &bytes)
        field(item.tier, &bytes)
        field(item.score, &bytes)
        field(item.firstName, &bytes)
        field(item.lastName, &bytes)
        field(item.phone, &bytes)
        field(item.practiceID, &bytes)
        field(item.pcpID, &bytes)
        for k in 0..<3 { field(k < item.reasons.count ? item.reasons[k] : "", &bytes) }
        field(item.actionLabel, &bytes)
        field(item.daysUntilDue, &bytes)
        field(item.status.rawValue, &bytes)
        field(item.daysOnList, &bytes)
        field(item.overCapacity ? "yes" : "no", &bytes)
        field(item.list, &bytes)
        bytes[bytes.count - 1] = UInt8(ascii: "\n")
        ends.append(bytes.count)
      }
    }

    func row(_ i: Int) -> Range<Int> { (i == 0 ? 0 : ends[i - 1])..<ends[i] }

    /// Writes the header and the rows at `ranges` of `bytes` to a new file at `path`.
    func write(ranges: [Range<Int>], to path: String) throws {
      let file = try OutputFile.Stream(path: path)
      try Self.headerBytes.withUnsafeBytes { try file.write($0) }
      try bytes.withUnsafeBytes { all in
        for range in ranges where !range.isEmpty { try file.write(UnsafeRawBufferPointer(rebasing: all[range])) }
      }
      try file.close()
    }
  }
}
