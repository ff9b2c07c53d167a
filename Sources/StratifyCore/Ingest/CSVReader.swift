import CLibCSV
import Foundation

/// Streams the records of a CSV file through libcsv, block by block, with the physical line where each record
/// starts, and fingerprints the file (SHA-256, size) on the way. The whole file is never in memory.
///
/// This is the only code that touches libcsv's parsing API. The parser runs with `CSV_REPALL_NL`, so every
/// unquoted CR or LF reaches the row callback with that character: lines are counted on `\n` row ends plus the
/// newlines embedded in quoted fields, and row ends without fields (blank lines, the LF of a CRLF) are not
/// records. Parsing is lenient about stray quotes inside unquoted fields (`5'10"` stays literal) and strict only
/// at the end: a file that ends inside an open quote is an error naming the line where that record started.
public final class CSVReader {
  /// Bytes read per `read(2)` call and fed to `csv_parse` at once.
  public static let defaultBlockSize = 1 << 20

  public let path: String
  /// The name used in messages and rejects (the file's base name, e.g. `patients.csv`).
  public let fileName: String
  private let blockSize: Int

  public init(path: String, fileName: String? = nil, blockSize: Int = CSVReader.defaultBlockSize) {
    self.path = path
    self.fileName = fileName ?? (path as NSString).lastPathComponent
    self.blockSize = max(blockSize, 4)
  }

  /// What the reader learned about the file besides its records.
  public struct Summary: Sendable, Equatable {
    public var byteCount: Int
    /// Lowercase hex SHA-256 of the file's bytes, BOM included.
    public var sha256: String
    /// Records passed to the callback (header included).
    public var recordCount: Int
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

    return try withoutActuallyEscaping(body) { body in
      let state = RecordAssembler(deliver: body)
      let context = Unmanaged.passUnretained(state).toOpaque()
      var hasher = SHA256()
      var byteCount = 0
      var block = [UInt8](repeating: 0, count: blockSize)
      var atStart = true
      while true {
        let n = block.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress, blockSize) }
        if n < 0 {
          if errno == EINTR { continue }
          throw IngestError.unreadable(file: fileName, path: path, reason: String(cString: strerror(errno)))
        }
        if n == 0 { break }
        byteCount += n
        try block.withUnsafeBytes { raw in
          let chunk = UnsafeRawBufferPointer(rebasing: raw[0..<n])
          hasher.update(chunk)
          var skip = 0
          // A UTF-8 byte-order mark is not part of the first header name.
          if atStart, n >= 3, chunk[0] == 0xEF, chunk[1] == 0xBB, chunk[2] == 0xBF { skip = 3 }
          atStart = false
          let fed = csv_parse(&parser, chunk.baseAddress! + skip, n - skip, csvField, csvRowEnd, context)
          if let error = state.error { throw error }
          if fed != n - skip {
            throw IngestError.unreadable(
              file: fileName, path: path, reason: String(cString: csv_strerror(csv_error(&parser))))
          }
        }
      }
      // Strictness only for the end: report a quote still open at end of file instead of inventing a record.
      csv_set_opts(&parser, UInt8(CSV_REPALL_NL | CSV_STRICT_FINI | CSV_STRICT))
      if csv_fini(&parser, csvField, csvRowEnd, context) != 0 {
        throw IngestError.unterminatedQuote(file: fileName, line: state.pendingRecordLine)
      }
      if let error = state.error { throw error }
      return Summary(byteCount: byteCount, sha256: hasher.finalize().hex, recordCount: state.recordCount)
    }
  }
}

/// Collects the fields libcsv reports into one record and counts physical lines.
private final class RecordAssembler {
  let deliver: (CSVRecord) throws -> Void
  var bytes: [UInt8] = []
  var ends: [Int] = []
  /// The physical line the parser is on (1-based).
  var line = 1
  var recordLine = 1
  var recordCount = 0
  /// The first error thrown by `deliver`; later callbacks are ignored.
  var error: Error?

  init(deliver: @escaping (CSVRecord) throws -> Void) {
    self.deliver = deliver
    bytes.reserveCapacity(4096)
    ends.reserveCapacity(32)
  }

  /// Where the record still being assembled started: its first field's line, or the current line when no field
  /// of it has been completed yet.
  var pendingRecordLine: Int { ends.isEmpty ? line : recordLine }

  func addField(_ field: UnsafeRawBufferPointer) {
    guard error == nil else { return }
    if ends.isEmpty { recordLine = line }
    if !field.isEmpty {
      bytes.append(contentsOf: field)
      // Newlines can only sit inside quoted fields here; each one is a physical line.
      var p = field.baseAddress!
      var remaining = field.count
      while remaining > 0, let hit = memchr(p, 0x0A, remaining) {
        line += 1
        let consumed = UnsafeRawPointer(hit) - p + 1
        p = UnsafeRawPointer(hit) + 1
        remaining -= consumed
      }
    }
    ends.append(bytes.count)
  }

  func endRow(_ terminator: Int32) {
    if error == nil, !ends.isEmpty {
      recordCount += 1
      bytes.withUnsafeBufferPointer { b in
        ends.withUnsafeBufferPointer { e in
          do {
            try deliver(CSVRecord(line: recordLine, bytes: b, ends: e))
          } catch {
            self.error = error
          }
        }
      }
    }
    bytes.removeAll(keepingCapacity: true)
    ends.removeAll(keepingCapacity: true)
    if terminator == 0x0A { line += 1 }
  }
}

private func csvField(_ data: UnsafeMutableRawPointer?, _ length: Int, _ context: UnsafeMutableRawPointer?) {
  let assembler = Unmanaged<RecordAssembler>.fromOpaque(context!).takeUnretainedValue()
  assembler.addField(UnsafeRawBufferPointer(start: data, count: data == nil ? 0 : length))
}

private func csvRowEnd(_ terminator: Int32, _ context: UnsafeMutableRawPointer?) {
  Unmanaged<RecordAssembler>.fromOpaque(context!).takeUnretainedValue().endRow(terminator)
}
