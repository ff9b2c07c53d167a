import Foundation
import Testing

@testable import StratifyCore

/// utilization.csv cut into many small chunks parsed side by side must give exactly what a sequential read gives:
/// the same rows in the same order, the same rejects at the same true lines, the same counts and fingerprint.
@Suite struct ChunkedIngestTests {
  /// Loads `utilization` (with the default patients and discharges) sequentially and in `chunks` chunks, and
  /// expects the two results to be the same; returns the chunked one.
  @discardableResult
  func expectSameAsSequential(_ utilization: String, chunks: Int) throws -> IngestResult {
    let folder = try TestFolder()
    defer { folder.remove() }
    let paths = try Extracts.write(in: folder)
    try folder.write("utilization.csv", utilization)
    let sequential = try Extracts.load(paths, options: IngestOptions(chunkCount: 1))
    let chunked = try Extracts.load(paths, options: IngestOptions(blockSize: 7, chunkCount: chunks))
    #expect(chunked.utilization.rows == sequential.utilization.rows)
    #expect(chunked.utilization.offsets == sequential.utilization.offsets)
    #expect(chunked.rejects == sequential.rejects)
    #expect(chunked.inputs == sequential.inputs)
    return chunked
  }

  /// Rows of utilization.csv with a reject every `every` rows (an unknown event type), so that rejects land in
  /// several chunks.
  static func rows(_ count: Int, rejectEvery every: Int = 0, lineEnd: String = "\n") -> String {
    var lines = [Extracts.utilizationHeader]
    for k in 0..<count {
      let type = every > 0 && k % every == every - 1 ? "emergency" : ["ed", "office", "telehealth"][k % 3]
      lines.append("P\(k % 3 + 1),2026-10-\(String(format: "%02d", k % 28 + 1)),\(type),\"DR,\(k)\",R07.9")
    }
    return lines.joined(separator: lineEnd) + lineEnd
  }

  @Test(arguments: [2, 3, 7, 40])
  func quotedCommasGiveTheSameRowsAndLines(chunks: Int) throws {
    let result = try expectSameAsSequential(Self.rows(60), chunks: chunks)
    #expect(result.utilization.rows.count == 60)
    #expect(result.utilization.rows.contains { $0.providerID == "DR,59" })
  }

  @Test(arguments: [2, 7, 13])
  func rejectsInSeveralChunksComeOutInFileOrderAtTheirTrueLines(chunks: Int) throws {
    let result = try expectSameAsSequential(Self.rows(70, rejectEvery: 9), chunks: chunks)
    // Row k is on line k + 2; rows 8, 17, 26, … are rejected.
    #expect(result.rejects.map(\.line) == Array(stride(from: 10, through: 71, by: 9)))
  }

  /// A mapped feed (renamed and reordered columns, another date format, a value map, padded and quoted fields)
  /// with every kind of bad row: the chunks read each field as libcsv completes it (`UtilizationStream`), the
  /// sequential read whole records, and both must agree on every row, reject, reason and line.
  @Test(arguments: [2, 5, 9])
  func aMappedFeedWithBadRowsGivesTheSameRowsRejectsAndLines(chunks: Int) throws {
    var lines = ["visit_type,primary_dx,provider_id,patient_id,visit_date"]
    let bad = [
      "office,I10,DR1,P9,10/01/2026", "office,I10,DR1,P1,13/01/2026", "er_visit,I10,DR1,P1,10/01/2026",
      "office,I10,DR1,P1", "office,I10,DR1,P1,10/01/2026,extra", "office,I10,DR1,,10/01/2026",
      "office,I10,DR1,P1,", ",I10,DR1,P1,10/01/2026", "office,I10,DR1,P123456789012345678,10/01/2026",
      "office,I10,DR1,P1,2026-10-01",
    ]
    for k in 0..<80 {
      if k % 8 == 7 { lines.append(bad[k / 8 % bad.count]) }
      let type = ["Emergency", " office ", "\"telehealth\"", "ED"][k % 4]
      let provider = k % 10 == 3 ? "\"DR\n\(k)\"" : "\"DR,\(k)\""
      lines.append("\(type),R07.9,\(provider), P\(k % 3 + 1) ,10/\(String(format: "%02d", k % 28 + 1))/2026")
    }
    let folder = try TestFolder()
    defer { folder.remove() }
    let paths = try Extracts.write(in: folder)
    try folder.write("utilization.csv", lines.joined(separator: "\n") + "\n")
    let mapping = ExtractMapping(
      columns: ["visit_type": "event_type", "visit_date": "event_date"],
      dateFormat: try DateFormat(pattern: "MM/DD/YYYY"),
      values: ["event_type": ["emergency": "ed"]])
    func load(_ options: IngestOptions) throws -> IngestResult {
      var options = options
      options.mappings = [.utilization: mapping]
      return try Extracts.load(paths, options: options)
    }
    let sequential = try load(IngestOptions(chunkCount: 1))
    let chunked = try load(IngestOptions(blockSize: 7, chunkCount: chunks))
    #expect(chunked.utilization.rows == sequential.utilization.rows)
    #expect(chunked.utilization.offsets == sequential.utilization.offsets)
    #expect(chunked.rejects == sequential.rejects)
    #expect(chunked.inputs == sequential.inputs)
    #expect(chunked.utilization.rows.count == 80)
    #expect(chunked.rejects.filter { $0.file == "utilization.csv" }.count == 10)
    #expect(chunked.utilization.rows.contains { $0.providerID == "DR\n3" })
  }

  /// Blank lines before the header, enough to fill the first ranges: the header is still read as the header, not
  /// as a data row of a later range.
  @Test(arguments: [2, 5, 9])
  func blankLinesBeforeTheHeaderKeepItTheHeader(chunks: Int) throws {
    let blank = String(repeating: "\n", count: 300) + String(repeating: " \r\n", count: 20)
    let result = try expectSameAsSequential(blank + Self.rows(12, rejectEvery: 5), chunks: chunks)
    #expect(result.utilization.rows.count == 10)
    // The header is on line 321, row k on line k + 322; rows 4 and 9 are rejected.
    #expect(result.rejects.map(\.line) == [326, 331])
  }

  @Test(arguments: [2, 7])
  func crlfFilesGiveTheSameRowsAndLines(chunks: Int) throws {
    let result = try expectSameAsSequential(Self.rows(50, rejectEvery: 11, lineEnd: "\r\n"), chunks: chunks)
    #expect(result.rejects.map(\.line) == [12, 23, 34, 45])
  }

  /// Old Mac line ends (CR alone), mixed with LF and CRLF ones: every one ends a line, in the chunks read field by
  /// field (cut after the LFs) as in the sequential read, and a CR-only file (no LF to cut after) is read whole.
  @Test(arguments: [1, 2, 7])
  func loneCRLineEndsNumberTheLines(chunks: Int) throws {
    let ends = ["\r", "\r\n", "\n", "\r", "\r"]
    var k = 0
    let mixed = Self.rows(50, rejectEvery: 11).split(separator: "\n", omittingEmptySubsequences: false).dropLast()
      .map { line -> String in
        defer { k += 1 }
        return line + ends[k % ends.count]
      }.joined()
    #expect(try expectSameAsSequential(mixed, chunks: chunks).rejects.map(\.line) == [12, 23, 34, 45])
    // Row 30 (line 32) with a lone CR inside its quoted provider: the rows after it are a line further on.
    let broken = mixed.replacingOccurrences(of: "\"DR,30\"", with: "\"DR,\r30\"")
    let result = try expectSameAsSequential(broken, chunks: chunks)
    #expect(result.rejects.map(\.line) == [12, 23, 35, 46])
    #expect(result.inputs.first { $0.kind == .utilization }?.multiLineRecords.first == 32...33)
    let crOnly = Self.rows(50, rejectEvery: 11, lineEnd: "\r")
    #expect(try expectSameAsSequential(crOnly, chunks: chunks).rejects.map(\.line) == [12, 23, 34, 45])
  }

  /// A quote left open joins rows into one record: the read names the lines it spans, the same in chunks.
  @Test(arguments: [1, 2, 7])
  func aQuoteLeftOpenIsReportedAsARecordOverSeveralLines(chunks: Int) throws {
    var lines = Self.rows(50).split(separator: "\n").map(String.init)
    // Row 20 (line 22): its last field's quote closes before an `x`, so it stays open until the quote that starts
    // the next row's provider, and the rest of that row makes a sixth field.
    lines[21] = lines[21].replacingOccurrences(of: "R07.9", with: "\"R07.9\"x")
    let result = try expectSameAsSequential(lines.joined(separator: "\n") + "\n", chunks: chunks)
    let input = try #require(result.inputs.first { $0.kind == .utilization })
    #expect(input.rowsRead == 49)
    #expect(input.multiLineRecords.count == 1)
    #expect(input.multiLineRecords.first == 22...23)
    #expect(result.rejects.map(\.line) == [22])
    #expect(result.inputs.first { $0.kind == .patients }?.multiLineRecords.count == 0)
  }

  @Test(arguments: [2, 5, 7, 11])
  func aNewlineInsideAQuotedFieldNeverBecomesACut(chunks: Int) throws {
    // Long multi-line quoted fields, so that the cut candidates fall inside them for some chunk counts.
    var lines = [Extracts.utilizationHeader]
    for k in 0..<12 {
      let provider = k % 2 == 0 ? "\"DR\n\(String(repeating: "x", count: 20))\n\(k)\"" : "DR\(k)"
      let type = k == 9 ? "emergency" : "office"
      lines.append("P1,2026-10-\(String(format: "%02d", k + 1)),\(type),\(provider),R07.9")
    }
    let result = try expectSameAsSequential(lines.joined(separator: "\n") + "\n", chunks: chunks)
    // Rows 0, 2, 4, 6, 8 take three lines each: row 9 starts on line 2 + 5 × 3 + 4 = 21.
    #expect(result.rejects.map(\.line) == [21])
    #expect(result.utilization.rows[4].providerID == "DR\n\(String(repeating: "x", count: 20))\n4")
  }

  @Test(arguments: [2, 3, 7])
  func aCutRightAfterAQuotedFieldKeepsTheRows(chunks: Int) throws {
    let result = try expectSameAsSequential(
      Extracts.file(Extracts.utilizationHeader, (0..<21).map { "P1,2026-10-01,ed,DR1,\"R07.\($0)\"" }),
      chunks: chunks)
    #expect(result.utilization.rows.map(\.primaryDx) == (0..<21).map { "R07\($0)" })
  }

  @Test func aFileWithoutAFinalNewlineAndABOMGivesTheSameRows() throws {
    try expectSameAsSequential("\u{FEFF}" + String(Self.rows(30, rejectEvery: 7).dropLast()), chunks: 7)
  }

  @Test func anUnterminatedQuoteAtTheEndNamesTheTrueLine() throws {
    let folder = try TestFolder()
    defer { folder.remove() }
    let paths = try Extracts.write(in: folder)
    try folder.write("utilization.csv", Self.rows(30) + "P1,2026-10-01,ed,\"DR1,R07.9\n")
    #expect(throws: IngestError.unterminatedQuote(file: "utilization.csv", line: 32)) {
      try Extracts.load(paths, options: IngestOptions(blockSize: 5, chunkCount: 7))
    }
  }

  @Test func aMissingColumnIsTheSameErrorAsSequentially() throws {
    let folder = try TestFolder()
    defer { folder.remove() }
    let paths = try Extracts.write(in: folder)
    try folder.write("utilization.csv", "patient_id,event_type\nP1,ed\nP2,ed\nP3,ed\n")
    let expected = #expect(throws: IngestError.self) {
      try Extracts.load(paths, options: IngestOptions(chunkCount: 1))
    }
    let chunked = #expect(throws: IngestError.self) {
      try Extracts.load(paths, options: IngestOptions(chunkCount: 3))
    }
    #expect(chunked.map { "\($0)" } == expected.map { "\($0)" })
  }
}

/// patients.csv cut into chunks: the directory is built in file order afterwards, so duplicates across chunks,
/// rejected ids and line numbers come out as a sequential read gives them.
@Suite struct ChunkedPatientsTests {
  @Test(arguments: [2, 3, 7, 13])
  func chunkedPatientsGiveWhatASequentialReadGives(chunks: Int) throws {
    var rows: [String] = []
    for k in 0..<40 {
      switch k % 10 {
      case 3: rows.append(Extracts.patient("P\(k - 2)"))  // a duplicate of a row 2 lines up
      case 5: rows.append(Extracts.patient("P\(k)", birth: "not a date"))  // rejected; its id stays unknown
      case 7: rows.append(Extracts.patient("P\(k % 7)"))  // a duplicate of a row in an earlier chunk
      case 8: rows.append("P\(k),Ann,\"Lee\nSmith\",1950-01-02,F,555-0100,PR1,DR1,CM1,medicare,,0,,N,")
      default: rows.append(Extracts.patient("P\(k)"))
      }
    }
    rows.append(Extracts.patient("P15"))  // accepted after its first row was rejected
    let folder = try TestFolder()
    defer { folder.remove() }
    let paths = try Extracts.write(
      in: folder, patients: rows, utilization: [Extracts.event("P25"), Extracts.event("P15"), Extracts.event("P1")])
    let sequential = try Extracts.loadSequentiallyAndChunked(paths, blockSize: 7, chunks: chunks)
    // Rows 3, 13, 23, 33 and 7 (P0), 27 (P6), 37 (P2) repeat an accepted id; row 17's P3 is new (row 3 was P1).
    let patientRejects = sequential.rejects.filter { $0.file == "patients.csv" }
    #expect(patientRejects.filter { $0.category == .duplicatePatient }.count == 7)
    #expect(patientRejects.map(\.line) == patientRejects.map(\.line).sorted())
    // Row k starts on line k + 2, plus one for each two-line row (8, 18, 28, 38) before it.
    #expect(
      sequential.rejects.contains {
        $0.file == "utilization.csv" && $0.reason == "patient_id 'P25' was rejected in patients.csv (line 29)"
      })
    #expect(sequential.patientPosition(of: "P15") != nil)
    #expect(sequential.patients.first { $0.id == "P38" }?.line == 43)
  }
}

/// Whether a file is cut at all: the parallel path must be taken when it is safe, and left when it is not.
@Suite struct ChunkedReadPathTests {
  func chunksParsed(_ utilization: String, chunks: Int) throws -> Int {
    let folder = try TestFolder()
    defer { folder.remove() }
    let path = try folder.write("utilization.csv", utilization)
    let directory = PatientDirectory(ids: ["P1", "P2", "P3"])
    let (parser, outcome) = try ExtractFile.readChunked(
      .utilization, path: path, mapping: .identity, blockSize: 16, chunkCount: chunks
    ) {
      UtilizationRowParser(
        binding: $0, directory: directory, patientCount: 3, stored: .all, retention: .everything, tallyWindow: nil)
    }
    #expect(parser.events.count == outcome.summary.rowsAccepted)
    return outcome.chunksParsed
  }

  /// Columns the rules do not read are not copied by the chunk parsers; their newlines still count, and the header
  /// is read whole.
  @Test(arguments: [2, 5, 11])
  func unreadColumnsWithNewlinesKeepTheLines(chunks: Int) throws {
    var lines = [Extracts.utilizationHeader]
    for k in 0..<60 {
      let type = k % 7 == 6 ? "emergency" : "ed"
      let provider = k == 2 || k == 45 ? "\"DR\n\(k)\"" : "DR\(k)"
      lines.append("P\(k % 3 + 1),2026-10-\(String(format: "%02d", k % 28 + 1)),\(type),\(provider),R07.9")
    }
    let folder = try TestFolder()
    defer { folder.remove() }
    let path = try folder.write("utilization.csv", lines.joined(separator: "\n") + "\n")
    let directory = PatientDirectory(ids: ["P1", "P2", "P3"])
    func read(chunks: Int) throws -> (UtilizationRowParser, ExtractFileOutcome) {
      try ExtractFile.readChunked(.utilization, path: path, mapping: .identity, blockSize: 16, chunkCount: chunks) {
        let parser = UtilizationRowParser(
          binding: $0, directory: directory, patientCount: 3, stored: [], retention: .everything, tallyWindow: nil)
        #expect(parser.skippedColumns == 0b11000)
        return parser
      }
    }
    let (sequential, one) = try read(chunks: 1)
    let (chunked, many) = try read(chunks: chunks)
    #expect(many.chunksParsed > 1)
    #expect(many.rejects == one.rejects)
    #expect(many.rejects.count == 8)
    // Row 55 is on line 57, and rows 2 and 45 take two lines each.
    #expect(many.rejects.last?.line == 59)
    #expect(chunked.events == sequential.events)
    #expect(chunked.owners == sequential.owners)
  }

  /// An extract delivered as a symbolic link to the file is cut like the file (its size is the file's, not the
  /// link's).
  @Test func aSymbolicLinkToTheFileIsCutIntoTheChunksAsked() throws {
    let folder = try TestFolder()
    defer { folder.remove() }
    let target = try folder.write("util-real.csv", ChunkedIngestTests.rows(60, rejectEvery: 9))
    let link = folder.path + "/utilization.csv"
    try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
    let directory = PatientDirectory(ids: ["P1", "P2", "P3"])
    let (_, outcome) = try ExtractFile.readChunked(
      .utilization, path: link, mapping: .identity, blockSize: 16, chunkCount: 5
    ) {
      UtilizationRowParser(
        binding: $0, directory: directory, patientCount: 3, stored: .all, retention: .everything, tallyWindow: nil)
    }
    #expect(outcome.chunksParsed == 5)
    #expect(outcome.summary.rowsRejected == 6)
  }

  @Test func aFileWithQuotedCommasIsCutIntoTheChunksAsked() throws {
    #expect(try chunksParsed(ChunkedIngestTests.rows(60, rejectEvery: 9), chunks: 7) == 7)
  }

  @Test func aFileWithACutInsideAQuotedNewlineIsReadSequentially() throws {
    let long = "\"DR\n" + String(repeating: "x\n", count: 200) + "\""
    let text = Extracts.file(
      Extracts.utilizationHeader, ["P1,2026-10-01,ed,\(long),R07.9", "P2,2026-10-01,ed,DR1,R07.9"])
    #expect(try chunksParsed(text, chunks: 2) == 1)
  }
}

/// The range parser's verdict on a cut: only a cut between records lets a fresh parser start there.
@Suite struct CSVReaderRangeTests {
  func endsBetweenRecords(_ text: String, cutAfter prefix: String) throws -> Bool {
    let folder = try TestFolder()
    defer { folder.remove() }
    let path = try folder.write("t.csv", text)
    return try CSVReader(path: path, blockSize: 3).readRange(
      offset: 0, length: prefix.utf8.count, isLast: false
    ) { _ in }.endsBetweenRecords
  }

  @Test func aNewlineInsideAQuoteIsNotBetweenRecords() throws {
    #expect(try !endsBetweenRecords("a,\"b\nc\"\nd,e\n", cutAfter: "a,\"b\n"))
  }

  @Test func aNewlineAfterAClosedQuoteIsBetweenRecords() throws {
    #expect(try endsBetweenRecords("a,\"b\nc\"\nd,e\n", cutAfter: "a,\"b\nc\"\n"))
  }

  @Test func aStrayQuoteInAnUnquotedFieldDoesNotOpenAQuote() throws {
    #expect(try endsBetweenRecords("5'10\",x\n\"a\nb\"\n", cutAfter: "5'10\",x\n"))
    #expect(try !endsBetweenRecords("5'10\",x\n\"a\nb\"\n", cutAfter: "5'10\",x\n\"a\n"))
  }

  @Test func rangeLinesAndNewlinesAreCounted() throws {
    let folder = try TestFolder()
    defer { folder.remove() }
    let text = "h\n1,\"x\ny\"\n2\n3\n"
    let path = try folder.write("t.csv", text)
    let start = "h\n1,\"x\ny\"\n".utf8.count
    var lines: [Int] = []
    let summary = try CSVReader(path: path).readRange(offset: start, length: text.utf8.count - start, isLast: true) {
      lines.append($0.line)
    }
    #expect(lines == [1, 2])
    #expect(summary.newlineCount == 2)
  }
}
