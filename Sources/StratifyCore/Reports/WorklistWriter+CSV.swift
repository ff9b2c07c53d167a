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
    // Lists read in place: a copy of each item would retain and release its dozen strings.
    for i in items.indices {
      let row = rows.row(i)
      let list = items[i].list
      if list == lastList {
        byList[list]![byList[list]!.count - 1] = byList[list]!.last!.lowerBound..<row.upperBound
      } else if byList[list] == nil {
        byList[list] = [row]
      } else {
        byList[list]!.append(row)
      }
      lastList = list
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
      // Fields read in place: a copy of each item would retain and release its dozen strings.
      for i in items.indices {
        field(items[i].caseManagerID, &bytes)
        field(items[i].patientID, &bytes)
        field(items[i].action, &bytes)
        field(items[i].due.description, &bytes)
        field(items[i].tier, &bytes)
        field(items[i].score, &bytes)
        field(items[i].firstName, &bytes)
        field(items[i].lastName, &bytes)
        field(items[i].phone, &bytes)
        field(items[i].practiceID, &bytes)
        field(items[i].pcpID, &bytes)
        for k in 0..<3 { field(k < items[i].reasons.count ? items[i].reasons[k] : "", &bytes) }
        field(items[i].actionLabel, &bytes)
        field(items[i].daysUntilDue, &bytes)
        field(items[i].status.rawValue, &bytes)
        field(items[i].daysOnList, &bytes)
        field(items[i].overCapacity ? "yes" : "no", &bytes)
        field(items[i].list, &bytes)
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
