import CLibCSV
import Foundation

extension CSVReader {
  /// What parsing one byte range of the file learned.
  struct RangeSummary {
    /// Records passed to the callback.
    var recordCount: Int
    /// `\n` bytes in the range (row ends and newlines inside quoted fields alike).
    var newlineCount: Int
    /// Whether the parser ended the range in its starting state (between records, outside any quote), so that
    /// a fresh parser started at the next byte sees exactly what this one would have seen. Always false for a
    /// range that was not the file's last and did not end in that state.
    var endsBetweenRecords: Bool
  }

  /// Parses bytes `offset..<offset + length` with a fresh libcsv parser, as if a record started at `offset`.
  /// Lines in the records are counted from 1 at `offset` (the caller adds the newlines before the range). The
  /// file's UTF-8 byte-order mark is skipped when the range starts at 0. With `isLast`, the range ends the file
  /// and an open quote there throws `IngestError.unterminatedQuote` (with a range-relative line).
  ///
  /// Nothing is hashed here: a chunked read fingerprints the whole file separately (`fingerprint()`).
  ///
  /// Fields whose index is set in `skipping` reach `body` empty (their bytes are not copied), except in the
  /// range's first record when it starts the file (the header).
  func readRange(
    offset: Int, length: Int, isLast: Bool, skipping: UInt64 = 0, progress: ((Int) -> Void)? = nil,
    _ body: (CSVRecord) throws -> Void
  ) throws -> RangeSummary {
    let fd = try openForReading()
    defer { close(fd) }
    var parser = csv_parser()
    guard csv_init(&parser, UInt8(CSV_REPALL_NL | CSV_STRICT_FINI)) == 0 else {
      throw IngestError.unreadable(file: fileName, path: path, reason: "libcsv could not allocate its parser")
    }
    defer { csv_free(&parser) }
    let blockSize = readBlockSize
    let buffer = UnsafeMutableRawPointer.allocate(byteCount: blockSize, alignment: 16)
    defer { buffer.deallocate() }

    return try withoutActuallyEscaping(body) { body in
      let state = RecordAssembler(deliver: body)
      state.state.pointee.skipAfterRecord = skipping
      if offset != 0 { state.state.pointee.skip = skipping }
      var done = 0
      while done < length {
        let n = pread(fd, buffer, min(blockSize, length - done), off_t(offset + done))
        if n < 0 {
          if errno == EINTR { continue }
          throw IngestError.unreadable(file: fileName, path: path, reason: String(cString: strerror(errno)))
        }
        if n == 0 { break }
        let chunk = UnsafeRawBufferPointer(start: buffer, count: n)
        var skip = 0
        if offset + done == 0, n >= 3, chunk[0] == 0xEF, chunk[1] == 0xBB, chunk[2] == 0xBF { skip = 3 }
        done += n
        let fed = state.feed(&parser, UnsafeRawBufferPointer(rebasing: chunk[skip...]))
        if let error = state.error { throw error }
        progress?(n)
        if fed != n - skip {
          throw IngestError.unreadable(
            file: fileName, path: path, reason: String(cString: csv_strerror(csv_error(&parser))))
        }
      }
      guard done == length else {
        throw IngestError.unreadable(file: fileName, path: path, reason: "file shrank while it was read")
      }
      // libcsv's starting state: no row begun, no quote open, nothing buffered.
      var between = parser.pstate == 0 && parser.quoted == 0 && parser.entry_pos == 0
      if isLast {
        csv_set_opts(&parser, UInt8(CSV_REPALL_NL | CSV_STRICT_FINI | CSV_STRICT))
        if state.finish(&parser) != 0 {
          throw IngestError.unterminatedQuote(file: fileName, line: state.pendingRecordLine)
        }
        if let error = state.error { throw error }
        between = true
      }
      return RangeSummary(recordCount: state.recordCount, newlineCount: state.line - 1, endsBetweenRecords: between)
    }
  }

  /// The file's size and SHA-256, read on the calling thread (a chunked read runs it beside the parsers).
  func fingerprint() throws -> (byteCount: Int, sha256: String) {
    let fd = try openForReading()
    defer { close(fd) }
    let buffer = UnsafeMutableRawPointer.allocate(byteCount: readBlockSize, alignment: 16)
    defer { buffer.deallocate() }
    var hasher = SHA256()
    var byteCount = 0
    while true {
      let n = Foundation.read(fd, buffer, readBlockSize)
      if n < 0 {
        if errno == EINTR { continue }
        throw IngestError.unreadable(file: fileName, path: path, reason: String(cString: strerror(errno)))
      }
      if n == 0 { break }
      byteCount += n
      hasher.update(UnsafeRawBufferPointer(start: buffer, count: n))
    }
    return (byteCount, hasher.finalize().hex)
  }

  /// Offsets where the file can be cut into about `count` ranges of similar size, each cut just after a `\n`
  /// (a candidate only: whether the newline ended a record is verified while parsing). Strictly increasing,
  /// between 0 and the file size exclusive; empty when the file is too small to cut.
  func splitCandidates(count: Int) throws -> [Int] {
    let fd = try openForReading()
    defer { close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0 else {
      throw IngestError.unreadable(file: fileName, path: path, reason: String(cString: strerror(errno)))
    }
    let size = Int(info.st_size)
    let window = 64 * 1024
    let buffer = UnsafeMutableRawPointer.allocate(byteCount: window, alignment: 16)
    defer { buffer.deallocate() }
    var cuts: [Int] = []
    for k in 1..<max(count, 1) {
      var position = max(size * k / count, (cuts.last ?? 0) + 1)
      var cut: Int?
      while cut == nil, position < size {
        let n = pread(fd, buffer, window, off_t(position))
        if n <= 0 { break }
        if let hit = memchr(buffer, 0x0A, n) { cut = position + (UnsafeRawPointer(hit) - UnsafeRawPointer(buffer)) + 1 }
        position += n
      }
      guard let cut, cut < size else { break }
      cuts.append(cut)
    }
    return cuts
  }

  /// Opens the file, mapping a missing file to `fileMissing` and other failures to `unreadable`.
  func openForReading() throws -> Int32 {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else {
      let code = errno
      if code == ENOENT || code == ENOTDIR { throw IngestError.fileMissing(file: fileName, path: path) }
      throw IngestError.unreadable(file: fileName, path: path, reason: String(cString: strerror(code)))
    }
    return fd
  }
}
