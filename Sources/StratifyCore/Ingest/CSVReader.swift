import CLibCSV
import Dispatch
import Foundation

/// Streams the records of a CSV file through libcsv, block by block, with the physical line where each record
/// starts, and fingerprints the file (SHA-256, size) on the way. The whole file is never in memory.
///
/// `CSVReader` (this file and CSVReader+Ranges.swift) and `UtilizationStream` are the only code that touches
/// libcsv's parsing API. The parser runs with `CSV_REPALL_NL`, so every unquoted CR or LF reaches the row callback
/// with that character: lines are counted on LF, CRLF and lone CR row ends plus those inside quoted fields
/// (`LineCount`), and row ends without fields (blank lines, the LF of a CRLF) are not records. Parsing is lenient about stray quotes inside unquoted fields (`5'10"` stays literal) and
/// strict only at the end: a file that ends inside an open quote is an error naming the line where that record
/// started.
public final class CSVReader {
  /// Bytes read per `read(2)` call and fed to `csv_parse` at once.
  public static let defaultBlockSize = 1 << 20

  public let path: String
  /// The name used in messages and rejects (the file's base name, e.g. `patients.csv`).
  public let fileName: String
  private let blockSize: Int
  /// Bytes per read for range parsing and fingerprinting.
  var readBlockSize: Int { blockSize }
  /// Called after each block with the bytes read so far (a progress line on a terminal).
  private let progress: ((Int) -> Void)?

  public init(
    path: String, fileName: String? = nil, blockSize: Int = CSVReader.defaultBlockSize, progress: ((Int) -> Void)? = nil
  ) {
    self.path = path
    self.fileName = fileName ?? (path as NSString).lastPathComponent
    self.blockSize = max(blockSize, 4)
    self.progress = progress
  }

  /// What the reader learned about the file besides its records.
  public struct Summary: Sendable, Equatable {
    public var byteCount: Int
    /// Lowercase hex SHA-256 of the file's bytes, BOM included.
    public var sha256: String
    /// Records passed to the callback (header included).
    public var recordCount: Int
    /// Those of them that spanned more than one line.
    public var multiLine = MultiLineRecords()
  }

  /// Calls `body` with every record in file order and returns the file's summary.
  ///
  /// - Throws: `IngestError.fileMissing` / `.unreadable` when the file cannot be opened or read,
  ///   `.unterminatedQuote` when it ends inside a quoted field, or whatever `body` throws (reading stops there).
  @discardableResult
  public func read(_ body: (CSVRecord) throws -> Void) throws -> Summary {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else {
      let code = errno
      if code == ENOENT || code == ENOTDIR { throw IngestError.fileMissing(file: fileName, path: path) }
      throw IngestError.unreadable(file: fileName, path: path, reason: String(cString: strerror(code)))
    }
    defer { close(fd) }

    var parser = csv_parser()
    guard csv_init(&parser, UInt8(CSV_REPALL_NL | CSV_STRICT_FINI)) == 0 else {
      throw IngestError.unreadable(file: fileName, path: path, reason: "libcsv could not allocate its parser")
    }
    defer { csv_free(&parser) }

    // Two buffers: the background hasher reads one while the next block is read into the other.
    let buffers = [
      UnsafeMutableRawPointer.allocate(byteCount: blockSize, alignment: 16),
      UnsafeMutableRawPointer.allocate(byteCount: blockSize, alignment: 16),
    ]
    let hashed = [DispatchGroup(), DispatchGroup()]
    let hasher = BackgroundHasher()
    defer {
      for group in hashed { group.wait() }
      for buffer in buffers { buffer.deallocate() }
    }

    return try withoutActuallyEscaping(body) { body in
      let state = RecordAssembler(deliver: body)
      var byteCount = 0
      var blockIndex = 0
      while true {
        let buffer = buffers[blockIndex & 1]
        // The hash of the block read two turns ago must be done with this buffer.
        hashed[blockIndex & 1].wait()
        let n = Foundation.read(fd, buffer, blockSize)
        if n < 0 {
          if errno == EINTR { continue }
          throw IngestError.unreadable(file: fileName, path: path, reason: String(cString: strerror(errno)))
        }
        if n == 0 { break }
        byteCount += n
        let chunk = UnsafeRawBufferPointer(start: buffer, count: n)
        hasher.update(chunk, done: hashed[blockIndex & 1])
        var skip = 0
        // A UTF-8 byte-order mark is not part of the first header name.
        if blockIndex == 0, n >= 3, chunk[0] == 0xEF, chunk[1] == 0xBB, chunk[2] == 0xBF { skip = 3 }
        blockIndex += 1
        let fed = state.feed(&parser, UnsafeRawBufferPointer(rebasing: chunk[skip...]))
        if let error = state.error { throw error }
        progress?(byteCount)
        if fed != n - skip {
          throw IngestError.unreadable(
            file: fileName, path: path, reason: String(cString: csv_strerror(csv_error(&parser))))
        }
      }
      try finishFile(&parser, state)
      let lines = state.lines
      return Summary(
        byteCount: byteCount, sha256: hasher.finalize(), recordCount: lines.records, multiLine: lines.multiLine)
    }
  }

  /// Ends the parse of a file's last bytes, strict only now: a quote still open at the end of the file is an error
  /// naming the line where that record started, not an invented record.
  func finishFile(_ parser: inout csv_parser, _ consumer: some RangeConsumer) throws {
    csv_set_opts(&parser, UInt8(CSV_REPALL_NL | CSV_STRICT_FINI | CSV_STRICT))
    if consumer.finish(&parser) != 0 {
      throw IngestError.unterminatedQuote(file: fileName, line: consumer.pendingRecordLine)
    }
    if let error = consumer.error { throw error }
  }
}

/// What a range parse (`CSVReader.parseRange`) hands libcsv's callbacks to: whole records (`RecordAssembler`), or
/// a row parser that takes each field as libcsv completes it (`UtilizationStream`). Both count physical lines and
/// records with a `LineCount`.
protocol RangeConsumer: AnyObject {
  /// Parses one block with libcsv (`csv_parse`), its callbacks being the consumer's; the bytes consumed.
  func feed(_ parser: inout csv_parser, _ block: UnsafeRawBufferPointer) -> Int
  /// Ends parsing (`csv_fini`); nonzero when the input ends inside an open quote.
  func finish(_ parser: inout csv_parser) -> Int32
  /// An error that stops the parse (not a rejected row).
  var error: Error? { get }
  /// The lines and records so far.
  var lines: LineCount { get }
  /// Where the record still being parsed started.
  var pendingRecordLine: Int { get }
}

/// The physical lines and the records of a parse, from what libcsv reports (run with `CSV_REPALL_NL`, so each CR
/// and LF outside quotes ends a row): kept the same way by both range consumers, so that the record path and the
/// field-by-field path number every line alike.
///
/// LF, CRLF and a lone CR (old Mac files) each end a line, between records (`rowEnds`) and inside quoted fields
/// (`field`). libcsv skips the spaces and tabs that start a row, so a CR, then only spaces or tabs, then an LF
/// counts as one line, not two.
struct LineCount {
  /// The physical line the parser is on (1-based).
  private(set) var line = 1
  /// Where the record being parsed started: its first field's line.
  private(set) var recordLine = 1
  /// Records completed (blank lines are none).
  private(set) var records = 0
  /// The completed records that spanned more than one line.
  private(set) var multiLine = MultiLineRecords()
  /// Whether a field completed during the block being parsed can hold a line break: only a quoted one can, so the
  /// consumer clears this for a block without a quote character that does not start inside a quoted field
  /// (`mayHoldNewlines(_:_:)`), and fields are then not searched.
  var mayHoldNewlines = true
  /// Whether the last row end was a CR (the LF of a CRLF that follows ends no line of its own).
  private var afterCR = false

  /// A field of the record being parsed completed, `index` fields after the record's first.
  @inline(__always) mutating func field(_ bytes: UnsafeRawBufferPointer, index: Int) {
    if index == 0 { recordLine = line }
    if mayHoldNewlines { line += Self.newlines(in: bytes) }
  }

  /// The record being parsed is complete (it has a field).
  @inline(__always) mutating func recordEnds() {
    records += 1
    multiLine.note(start: recordLine, end: line)
  }

  /// libcsv reported a row end with `terminator` after `fields` fields: an LF ends a line unless it is the LF of a
  /// CRLF (right after a CR row end, with no field between: the line was counted at the CR); a CR ends one.
  @inline(__always) mutating func rowEnds(_ terminator: Int32, fields: Int) {
    if terminator == 0x0D {
      afterCR = true
      line += 1
      return
    }
    if terminator == 0x0A, !(afterCR && fields == 0) { line += 1 }
    afterCR = false
  }

  /// Where the record still being parsed started, `fields` fields into it: the current line before its first.
  func pendingRecordLine(fields: Int) -> Int { fields == 0 ? line : recordLine }

  /// Whether a field libcsv completes while parsing `block` can hold a line break: only a quoted one can, so not
  /// when the block has no quote character and does not start inside a quoted field.
  static func mayHoldNewlines(_ parser: csv_parser, _ block: UnsafeRawBufferPointer) -> Bool {
    parser.quoted != 0 || memchr(block.baseAddress!, 0x22, block.count) != nil
  }

  /// The line ends in a (quoted) field's bytes, counted as `rowEnds` counts them between records: each LF, each
  /// CRLF and each CR that no LF follows is one physical line. libcsv hands over whole fields, so a CRLF is never
  /// split between two calls.
  @inline(__always) static func newlines(in field: UnsafeRawBufferPointer) -> Int {
    guard let base = field.baseAddress else { return 0 }
    let end = base + field.count
    var count = 0
    var p = base
    while p < end, let hit = memchr(p, 0x0A, end - p) {
      count += 1
      p = UnsafeRawPointer(hit) + 1
    }
    p = base
    while p < end, let hit = memchr(p, 0x0D, end - p) {
      p = UnsafeRawPointer(hit) + 1
      if p == end || p.load(as: UInt8.self) != 0x0A { count += 1 }
    }
    return count
  }
}

/// Collects the fields libcsv reports into one record and counts physical lines.
///
/// The callbacks run once per field (tens of millions of times on a large extract), so the mutable state sits
/// behind a pointer: class stored properties would cost a dynamic exclusivity check on every access.
final class RecordAssembler: RangeConsumer {
  struct State {
    var bytes: UnsafeMutablePointer<UInt8>
    var byteCount = 0
    var byteCapacity: Int
    var ends: UnsafeMutablePointer<Int>
    var endCount = 0
    var endCapacity: Int
    var lines = LineCount()
    /// Set once `deliver` has thrown; later callbacks do nothing.
    var failed = false
    /// The assembler, for the row callback (the field callback needs only this state).
    var owner: Unmanaged<RecordAssembler>?
    /// Fields (by index, below 64) whose bytes are not copied: they arrive empty, still counted and still
    /// searched for newlines. `skipAfterRecord` takes over once a record is complete (the header stays whole).
    var skip: UInt64 = 0
    var skipAfterRecord: UInt64 = 0
  }

  let deliver: (CSVRecord) throws -> Void
  let state: UnsafeMutablePointer<State>
  /// The first error thrown by `deliver`.
  var error: Error?

  init(deliver: @escaping (CSVRecord) throws -> Void) {
    self.deliver = deliver
    state = .allocate(capacity: 1)
    state.initialize(
      to: State(bytes: .allocate(capacity: 4096), byteCapacity: 4096, ends: .allocate(capacity: 64), endCapacity: 64))
    state.pointee.owner = Unmanaged.passUnretained(self)
  }

  /// Parses one block with libcsv, delivering the records it completes. The callbacks get the state pointer as
  /// their context, so the per-field one touches no reference count.
  func feed(_ parser: inout csv_parser, _ block: UnsafeRawBufferPointer) -> Int {
    guard let base = block.baseAddress, !block.isEmpty else { return 0 }
    state.pointee.lines.mayHoldNewlines = LineCount.mayHoldNewlines(parser, block)
    return csv_parse(&parser, base, block.count, csvField, csvRowEnd, UnsafeMutableRawPointer(state))
  }

  /// Ends parsing (`csv_fini`); nonzero when the file ends inside an open quote.
  func finish(_ parser: inout csv_parser) -> Int32 {
    state.pointee.lines.mayHoldNewlines = true
    return csv_fini(&parser, csvField, csvRowEnd, UnsafeMutableRawPointer(state))
  }

  deinit {
    state.pointee.bytes.deallocate()
    state.pointee.ends.deallocate()
    state.deinitialize(count: 1)
    state.deallocate()
  }

  /// Lines counted from the line the assembler started at (1).
  var lines: LineCount { state.pointee.lines }
  var pendingRecordLine: Int { state.pointee.lines.pendingRecordLine(fields: state.pointee.endCount) }

  @inline(__always) static func addField(_ field: UnsafeRawBufferPointer, _ s: UnsafeMutablePointer<State>) {
    guard !s.pointee.failed else { return }
    s.pointee.lines.field(field, index: s.pointee.endCount)
    if !field.isEmpty {
      let index = UInt64(truncatingIfNeeded: s.pointee.endCount)
      let copied = index < 64 && (s.pointee.skip >> index) & 1 == 1 ? 0 : field.count
      let needed = s.pointee.byteCount + copied
      // 16 bytes of room past the field: a short one is stored as two whole words.
      if needed + 16 > s.pointee.byteCapacity {
        let capacity = max(needed + 16, s.pointee.byteCapacity * 2)
        let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        grown.update(from: s.pointee.bytes, count: s.pointee.byteCount)
        s.pointee.bytes.deallocate()
        s.pointee.bytes = grown
        s.pointee.byteCapacity = capacity
      }
      let target = UnsafeMutableRawPointer(s.pointee.bytes + s.pointee.byteCount)
      if copied <= 16 {
        // Most fields: two loads and two stores instead of a call to memmove.
        let (low, high) = FieldBytes.words(
          UnsafeBufferPointer(start: field.baseAddress!.assumingMemoryBound(to: UInt8.self), count: copied))
        target.storeBytes(of: low.littleEndian, as: UInt64.self)
        target.storeBytes(of: high.littleEndian, toByteOffset: 8, as: UInt64.self)
      } else {
        target.copyMemory(from: field.baseAddress!, byteCount: copied)
      }
      s.pointee.byteCount = needed
    }
    if s.pointee.endCount == s.pointee.endCapacity {
      let capacity = s.pointee.endCapacity * 2
      let grown = UnsafeMutablePointer<Int>.allocate(capacity: capacity)
      grown.update(from: s.pointee.ends, count: s.pointee.endCount)
      s.pointee.ends.deallocate()
      s.pointee.ends = grown
      s.pointee.endCapacity = capacity
    }
    s.pointee.ends[s.pointee.endCount] = s.pointee.byteCount
    s.pointee.endCount += 1
  }

  @inline(__always) func endRow(_ terminator: Int32) {
    let s = state
    if !s.pointee.failed, s.pointee.endCount > 0 {
      s.pointee.lines.recordEnds()
      let record = CSVRecord(
        line: s.pointee.lines.recordLine,
        bytes: UnsafeBufferPointer(start: s.pointee.bytes, count: s.pointee.byteCount),
        ends: UnsafeBufferPointer(start: s.pointee.ends, count: s.pointee.endCount))
      do {
        try deliver(record)
      } catch {
        self.error = error
        s.pointee.failed = true
      }
    }
    s.pointee.lines.rowEnds(terminator, fields: s.pointee.endCount)
    s.pointee.byteCount = 0
    s.pointee.endCount = 0
    s.pointee.skip = s.pointee.skipAfterRecord
  }
}

func csvField(_ data: UnsafeMutableRawPointer?, _ length: Int, _ context: UnsafeMutableRawPointer?) {
  RecordAssembler.addField(
    UnsafeRawBufferPointer(start: data, count: data == nil ? 0 : length),
    context!.assumingMemoryBound(to: RecordAssembler.State.self))
}

func csvRowEnd(_ terminator: Int32, _ context: UnsafeMutableRawPointer?) {
  context!.assumingMemoryBound(to: RecordAssembler.State.self).pointee.owner!.takeUnretainedValue().endRow(terminator)
}
