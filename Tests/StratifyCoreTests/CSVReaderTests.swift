import Foundation
import Testing

@testable import StratifyCore

@Suite struct CSVReaderTests {
  /// One record as read: the line where it starts and its fields.
  struct Row: Equatable, CustomStringConvertible {
    var line: Int
    var fields: [String]
    init(_ line: Int, _ fields: [String]) {
      self.line = line
      self.fields = fields
    }
    var description: String { "\(line): \(fields)" }
  }

  func read(_ text: String, blockSize: Int = CSVReader.defaultBlockSize) throws -> [Row] {
    let folder = try TestFolder()
    defer { folder.remove() }
    let path = try folder.write("t.csv", text)
    var rows: [Row] = []
    try CSVReader(path: path, blockSize: blockSize).read { rows.append(Row($0.line, $0.strings)) }
    return rows
  }

  @Test func keepsCommasAndEscapedQuotesInsideQuotedFields() throws {
    #expect(try read("a,\"b,c\",\"say \"\"hi\"\"\"\n") == [Row(1, ["a", "b,c", "say \"hi\""])])
  }

  @Test func reportsTheTrueStartLineAfterANewlineInsideAQuotedField() throws {
    let rows = try read("h1,h2\n1,\"x\ny\nz\"\n2,b\n3,c\n")
    #expect(rows == [Row(1, ["h1", "h2"]), Row(2, ["1", "x\ny\nz"]), Row(5, ["2", "b"]), Row(6, ["3", "c"])])
  }

  /// Fields are searched for newlines only in blocks that hold a quote or start inside a quoted field: a quoted
  /// field whose newlines, closing quote and terminator fall in different blocks still counts every line.
  @Test(arguments: Array(4...24))
  func countsNewlinesOfQuotedFieldsSpanningBlocks(blockSize: Int) throws {
    let text = "h1,h2\n1,\"x\n\nsome text without quotes\n\ny\"   \n2,b\n3,\"c\"\n4,\"d\ne\"\n5,f\n"
    let rows = try read(text, blockSize: blockSize)
    #expect(rows.map(\.line) == [1, 2, 7, 8, 9, 11])
    #expect(rows[1].fields[1].hasPrefix("x\n\nsome text"))
  }

  @Test func readsCRLFLineEnds() throws {
    #expect(try read("a,b\r\nc,d\r\n") == [Row(1, ["a", "b"]), Row(2, ["c", "d"])])
  }

  /// A CR alone ends a line (old Mac files), a CRLF one line, an LF one line, and blank lines of each kind count,
  /// wherever the blocks split them.
  @Test(arguments: [1, 2, 3, 5, 8, CSVReader.defaultBlockSize])
  func countsLoneCRAndMixedLineEnds(blockSize: Int) throws {
    let crOnly = try read("a,b\rc,d\r\re\r", blockSize: blockSize)
    #expect(crOnly == [Row(1, ["a", "b"]), Row(2, ["c", "d"]), Row(4, ["e"])])
    let mixed = try read("h\r\n1\r2\n\r\n3\r\r4\n5", blockSize: blockSize)
    #expect(mixed.map(\.line) == [1, 2, 3, 5, 7, 8])
    // Inside quotes too: a lone CR, a CRLF and an LF are a line each, and a CR closing a field is one.
    let quoted = try read("h\r\"x\ry\"\rb\r\"1\r\n2\n3\"\r\nc\n\"z\r\"\nd\n", blockSize: blockSize)
    #expect(quoted.map(\.line) == [1, 2, 4, 5, 8, 9, 11])
  }

  @Test func notesRecordsOverSeveralLinesWithTheFirstAndTheLongest() {
    var records = MultiLineRecords()
    records.note(start: 3, end: 3)
    #expect(records.count == 0)
    #expect(records.warning(file: "u.csv") == nil)
    records.note(start: 5, end: 6)
    #expect(
      records.warning(file: "u.csv")
        == "u.csv: 1 record spans several lines (quoted line breaks), lines 5–6 (check for a quote left open: it "
        + "joins the rows up to the next quote into one record)")
    var next = MultiLineRecords()
    next.note(start: 2, end: 40)
    next.note(start: 50, end: 51)
    records.append(next, lineOffset: 100)
    #expect(records.count == 3)
    #expect(records.first == 5...6)
    #expect(records.longest == 102...140)
    #expect(
      records.warning(file: "u.csv")?.hasPrefix(
        "u.csv: 3 records span several lines (quoted line breaks), lines 5–6 first, lines 102–140 the longest") == true)
  }

  @Test func countsACRLFEmbeddedInAQuotedFieldAsOneLine() throws {
    let rows = try read("h,i\r\n\"a\r\nb\",x\r\nc,d\r\n")
    #expect(rows == [Row(1, ["h", "i"]), Row(2, ["a\r\nb", "x"]), Row(4, ["c", "d"])])
  }

  @Test func skipsAByteOrderMark() throws {
    #expect(try read("\u{FEFF}id,name\n1,x\n") == [Row(1, ["id", "name"]), Row(2, ["1", "x"])])
  }

  @Test func skipsBlankLinesButCountsThem() throws {
    #expect(try read("a\n\nb\n\n\nc\n") == [Row(1, ["a"]), Row(3, ["b"]), Row(6, ["c"])])
  }

  @Test func ignoresAnEmptyLastLine() throws {
    #expect(try read("a\nb\n\n") == [Row(1, ["a"]), Row(2, ["b"])])
  }

  @Test func readsALastRecordWithoutTrailingNewline() throws {
    #expect(try read("a,b\nc,d") == [Row(1, ["a", "b"]), Row(2, ["c", "d"])])
  }

  @Test func keepsEmptyFields() throws {
    #expect(try read(",a,,\n") == [Row(1, ["", "a", "", ""])])
  }

  @Test(arguments: [
    ("a\nb,\"open\nmore\nc\n", 2),
    ("a\n\"open\n", 2),
    ("h\r\n1,\"x\ny\"\n2,\"never closed\n", 4),
  ])
  func reportsAnUnterminatedQuoteAtTheLineItsRecordStarts(text: String, line: Int) throws {
    #expect(throws: IngestError.unterminatedQuote(file: "t.csv", line: line)) { try read(text) }
  }

  @Test(arguments: [7, 64, 4096])
  func recordsCrossingBlockBoundariesKeepContentAndLines(blockSize: Int) throws {
    var text = "id,note\n"
    var expected = [Row(1, ["id", "note"])]
    var line = 2
    for i in 0..<400 {
      if i % 37 == 0 {
        text += "\(i),\"multi\nline, \"\"quoted\"\"\"\r\n"
        expected.append(Row(line, ["\(i)", "multi\nline, \"quoted\""]))
        line += 2
      } else {
        text += "\(i),plain text \(i)\n"
        expected.append(Row(line, ["\(i)", "plain text \(i)"]))
        line += 1
      }
      if i % 50 == 0 {
        text += "\n"
        line += 1
      }
    }
    #expect(try read(text, blockSize: blockSize) == expected)
  }

  @Test func readsAFileLargerThanOneDefaultBlock() throws {
    let row = String(repeating: "x", count: 90)
    let count = (CSVReader.defaultBlockSize / 100) + 500
    var text = ""
    for i in 0..<count { text += "\(i),\(row)\n" }
    let rows = try read(text)
    #expect(rows.count == count)
    #expect(rows.last == Row(count, ["\(count - 1)", row]))
    #expect(zip(rows, 1...).allSatisfy { $0.line == $1 })
  }

  @Test func fingerprintsTheWholeFile() throws {
    let folder = try TestFolder()
    defer { folder.remove() }
    let text = "\u{FEFF}a,b\n1,2\n"
    let path = try folder.write("f.csv", text)
    let summary = try CSVReader(path: path, blockSize: 5).read { _ in }
    #expect(summary.byteCount == text.utf8.count)
    #expect(summary.sha256 == SHA256.hex(of: Array(text.utf8)))
    #expect(summary.recordCount == 2)
  }

  @Test func reportsAMissingFile() throws {
    #expect(throws: IngestError.fileMissing(file: "nope.csv", path: "/nonexistent/nope.csv")) {
      try CSVReader(path: "/nonexistent/nope.csv").read { _ in }
    }
  }

  @Test func stopsAtTheFirstErrorTheCallbackThrows() throws {
    struct Stop: Error {}
    let folder = try TestFolder()
    defer { folder.remove() }
    let path = try folder.write("s.csv", "a\nb\nc\n")
    var seen = 0
    #expect(throws: Stop.self) {
      try CSVReader(path: path).read { _ in
        seen += 1
        throw Stop()
      }
    }
    #expect(seen == 1)
  }
}
