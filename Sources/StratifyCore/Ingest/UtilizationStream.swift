import CLibCSV
import Foundation

/// Parses a range of utilization.csv into a `UtilizationRowParser` field by field: libcsv's field callback hands
/// each field the parser reads (patient, date, type, and the stored texts) to it in place, from libcsv's own
/// buffer, and the row callback checks and keeps the row. No record is assembled and only the stored texts are
/// copied (they are read once the row is known to be kept): on a 20M-row extract, assembling records and reading
/// them again was most of what a row cost besides libcsv itself.
///
/// What comes out is what `CSVReader.readRange` with `ExtractFile.accept` gives: the same `read` and `commit`
/// check each field and row, a record with the wrong number of fields gets the same reject, and lines are counted
/// the same way (`LineCount`; blank lines are no record). The range's first
/// record is skipped when the range starts the file (the header).
final class UtilizationStream: RangeConsumer {
  struct State {
    var parser: UtilizationRowParser
    let kind: ExtractKind
    let dateFormat: DateFormat
    var rejects: [Reject] = []
    /// Data records read (the header is none).
    var rowsRead = 0
    var pending = UtilizationRowParser.PendingRow()
    /// Fields of the record being parsed, so far.
    var fieldCount = 0
    var lines = LineCount()
    /// The record being parsed is skipped (the file's header).
    var skipRecord: Bool
    /// Set with `error` once a row fails for another reason than a reject; later callbacks do nothing.
    var failed = false
    var error: Error?
    /// Three one-field `ends` for the one-field records the parser reads (a field, or the two stored texts).
    let ends: UnsafeMutablePointer<Int>
    let texts: TextFields
    let textColumns: (providerID: BoundColumn?, primaryDx: BoundColumn?)
    let columns: UtilizationRowParser.ColumnsRead
  }

  /// The provider and diagnosis fields of the record being parsed, copied: they are read only when it is kept.
  final class TextFields {
    var bytes: [UInt8] = []
    var provider: Range<Int>?
    var dx: Range<Int>?
  }

  let state: UnsafeMutablePointer<State>

  init(parser: UtilizationRowParser, kind: ExtractKind, dateFormat: DateFormat, skipHeader: Bool) {
    state = .allocate(capacity: 1)
    state.initialize(
      to: State(
        parser: parser, kind: kind, dateFormat: dateFormat, skipRecord: skipHeader, ends: .allocate(capacity: 3),
        texts: TextFields(), textColumns: parser.textColumnsAlone, columns: parser.columnsRead))
  }

  deinit {
    state.pointee.ends.deallocate()
    state.deinitialize(count: 1)
    state.deallocate()
  }

  var parser: UtilizationRowParser { state.pointee.parser }
  var rejects: [Reject] { state.pointee.rejects }
  var rowsRead: Int { state.pointee.rowsRead }
  var error: Error? { state.pointee.error }
  var lines: LineCount { state.pointee.lines }
  var pendingRecordLine: Int { state.pointee.lines.pendingRecordLine(fields: state.pointee.fieldCount) }

  func feed(_ parser: inout csv_parser, _ block: UnsafeRawBufferPointer) -> Int {
    guard let base = block.baseAddress, !block.isEmpty else { return 0 }
    state.pointee.lines.mayHoldNewlines = LineCount.mayHoldNewlines(parser, block)
    return csv_parse(&parser, base, block.count, utilizationField, utilizationRowEnd, UnsafeMutableRawPointer(state))
  }

  func finish(_ parser: inout csv_parser) -> Int32 {
    state.pointee.lines.mayHoldNewlines = true
    return csv_fini(&parser, utilizationField, utilizationRowEnd, UnsafeMutableRawPointer(state))
  }
}

extension UtilizationStream.State {
  @inline(__always) mutating func field(_ bytes: UnsafeBufferPointer<UInt8>) {
    guard !failed else { return }
    lines.field(UnsafeRawBufferPointer(bytes), index: fieldCount)
    let index = fieldCount
    fieldCount = index + 1
    // Compared with the field's index in turn rather than looked up: a few predictable branches per field.
    if skipRecord {
    } else if index == columns.patientID {
      read(.patientID, bytes)
    } else if index == columns.eventDate {
      read(.eventDate, bytes)
    } else if index == columns.eventType {
      read(.eventType, bytes)
    } else if index == columns.providerID {
      texts.provider = stash(bytes)
    } else if index == columns.primaryDx {
      texts.dx = stash(bytes)
    }
  }

  @inline(__always) private mutating func read(_ role: UtilizationRowParser.Role, _ bytes: UnsafeBufferPointer<UInt8>) {
    if !parser.readPlain(role, bytes, into: &pending, dateFormat: dateFormat) { readInGeneral(role, bytes) }
  }

  /// Copies a stored text field of the record; where it is in `texts.bytes`.
  private func stash(_ bytes: UnsafeBufferPointer<UInt8>) -> Range<Int> {
    let start = texts.bytes.count
    texts.bytes.append(contentsOf: bytes)
    return start..<texts.bytes.count
  }

  /// A field `readPlain` could not read: through a one-field record, the way `parse` reads it.
  @inline(never) private mutating func readInGeneral(
    _ role: UtilizationRowParser.Role, _ bytes: UnsafeBufferPointer<UInt8>
  ) {
    ends[0] = bytes.count
    let row = RowReader(
      record: CSVRecord(line: lines.recordLine, bytes: bytes, ends: UnsafeBufferPointer(start: ends, count: 1)),
      dateFormat: dateFormat)
    parser.readAlone(role, from: row, into: &pending)
  }

  @inline(__always) mutating func rowEnd(_ terminator: Int32) {
    if !failed, fieldCount > 0 {
      lines.recordEnds()
      if skipRecord {
        skipRecord = false
      } else {
        endRecord()
      }
    }
    lines.rowEnds(terminator, fields: fieldCount)
    fieldCount = 0
  }

  private mutating func endRecord() {
    rowsRead += 1
    defer {
      if parser.storesTexts {
        texts.bytes.removeAll(keepingCapacity: true)
        texts.provider = nil
        texts.dx = nil
      }
    }
    guard fieldCount == parser.fieldCount else {
      rejects.append(
        ExtractFile.fieldCountReject(kind, line: lines.recordLine, expected: parser.fieldCount, found: fieldCount))
      return
    }
    do {
      if parser.storesTexts {
        try commitWithTexts()
      } else {
        try parser.commit(pending) { (nil, nil) }
      }
    } catch let problem as FieldProblem {
      rejects.append(ExtractFile.reject(problem, kind: kind, line: lines.recordLine))
    } catch {
      self.error = error
      failed = true
    }
  }
}

extension UtilizationStream.State {
  /// `commit` for a parser that stores texts: they are read from the copied fields when the row is kept.
  @inline(never) fileprivate mutating func commitWithTexts() throws {
    let (texts, ends, line) = (self.texts, self.ends, lines.recordLine)
    let (dateFormat, columns) = (self.dateFormat, textColumns)
    try parser.commit(pending) {
      texts.bytes.withUnsafeBufferPointer { all in
        func reader(_ range: Range<Int>?, _ slot: Int) -> RowReader? {
          guard let range else { return nil }
          ends[slot] = range.count
          return RowReader(
            record: CSVRecord(
              line: line, bytes: UnsafeBufferPointer(rebasing: all[range]),
              ends: UnsafeBufferPointer(start: ends + slot, count: 1)),
            dateFormat: dateFormat)
        }
        return (reader(texts.provider, 1)?.text(columns.providerID), reader(texts.dx, 2)?.code(columns.primaryDx))
      }
    }
  }
}

func utilizationField(_ data: UnsafeMutableRawPointer?, _ length: Int, _ context: UnsafeMutableRawPointer?) {
  context!.assumingMemoryBound(to: UtilizationStream.State.self).pointee.field(
    UnsafeBufferPointer(start: data?.assumingMemoryBound(to: UInt8.self), count: data == nil ? 0 : length))
}

func utilizationRowEnd(_ terminator: Int32, _ context: UnsafeMutableRawPointer?) {
  context!.assumingMemoryBound(to: UtilizationStream.State.self).pointee.rowEnd(terminator)
}
