import CLibCSV
import Foundation

extension CSVReader {
  /// What parsing one byte range of the file learned.
  struct RangeSummary {
    /// Records passed to the callback.
    var recordCount: Int
    /// Lines ended in the range: its LF, CRLF and lone CR row ends and those inside its quoted fields.
    var newlineCount: Int
    /// Whether the parser ended the range in its starting state (between records, outside any quote), so that
    /// a fresh parser started at the next byte sees exactly what this one would have seen. Always false for a
    /// range that was not the file's last and did not end in that state.
    var endsBetweenRecords: Bool
    /// Records that spanned more than one line (lines counted from the range's first).
    var multiLine = MultiLineRecords()
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
  ///
  /// With `mapped`, the range is parsed in place from a mapping of it (`MappedFile`); otherwise, or when it
  /// cannot be mapped, it is read with `pread(2)`.
  func readRange(
    offset: Int, length: Int, isLast: Bool, skipping: UInt64 = 0, mapped: Bool = false,
    progress: ((Int) -> Void)? = nil, _ body: (CSVRecord) throws -> Void
  ) throws -> RangeSummary {
    try withoutActuallyEscaping(body) { body in
      let assembler = RecordAssembler(deliver: body)
      assembler.state.pointee.skipAfterRecord = skipping
      if offset != 0 { assembler.state.pointee.skip = skipping }
      return try parseRange(
        offset: offset, length: length, isLast: isLast, mapped: mapped, progress: progress, assembler)
    }
  }

  /// Parses bytes `offset..<offset + length` with a fresh libcsv parser whose callbacks are `consumer`'s, as
  /// `readRange` does (same blocks, byte-order mark, end of range and errors): the records it completes go to the
  /// consumer, which may take their fields as they come instead of as assembled records.
  func parseRange(
    offset: Int, length: Int, isLast: Bool, mapped: Bool, progress: ((Int) -> Void)?, _ consumer: some RangeConsumer
  ) throws -> RangeSummary {
    let fd = try openForReading()
    defer { close(fd) }
    func parse(_ block: (_ done: Int, _ count: Int) throws -> UnsafeRawBufferPointer) throws -> RangeSummary {
      try parseBlocks(offset: offset, length: length, isLast: isLast, progress: progress, block: block, consumer)
    }
    // Each block mapped on its own and unmapped at the next: the mapped pages add one block, not the range, to the
    // resident memory.
    if mapped, MappedFile.canMap(fd, offset: offset, length: length) {
      var block: UnsafeRawBufferPointer?
      defer { block.map(MappedFile.unmap) }
      return try parse { done, count in
        block.map(MappedFile.unmap)
        block = MappedFile.map(fd, offset: offset + done, length: count)
        guard let block else {
          throw IngestError.unreadable(file: self.fileName, path: self.path, reason: "file shrank while it was read")
        }
        return block
      }
    }
    let buffer = UnsafeMutableRawPointer.allocate(byteCount: readBlockSize, alignment: 16)
    defer { buffer.deallocate() }
    return try parse { done, count in
      while true {
        let n = pread(fd, buffer, count, off_t(offset + done))
        if n >= 0 { return UnsafeRawBufferPointer(start: buffer, count: n) }
        if errno != EINTR {
          throw IngestError.unreadable(file: self.fileName, path: self.path, reason: String(cString: strerror(errno)))
        }
      }
    }
  }

  /// `parseRange`'s parse, with `block(done, count)` giving up to `count` bytes of the range from `done` on (empty
  /// at the end of the file).
  private func parseBlocks(
    offset: Int, length: Int, isLast: Bool, progress: ((Int) -> Void)?,
    block: (_ done: Int, _ count: Int) throws -> UnsafeRawBufferPointer, _ consumer: some RangeConsumer
  ) throws -> RangeSummary {
    var parser = csv_parser()
    guard csv_init(&parser, UInt8(CSV_REPALL_NL | CSV_STRICT_FINI)) == 0 else {
      throw IngestError.unreadable(file: fileName, path: path, reason: "libcsv could not allocate its parser")
    }
    defer { csv_free(&parser) }
    let blockSize = readBlockSize
    var done = 0
    while done < length {
      let chunk = try block(done, min(blockSize, length - done))
      let n = chunk.count
      if n == 0 { break }
      var skip = 0
      if offset + done == 0, n >= 3, chunk[0] == 0xEF, chunk[1] == 0xBB, chunk[2] == 0xBF { skip = 3 }
      done += n
      let fed = consumer.feed(&parser, UnsafeRawBufferPointer(rebasing: chunk[skip...]))
      if let error = consumer.error { throw error }
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
      try finishFile(&parser, consumer)
      between = true
    }
    let lines = consumer.lines
    return RangeSummary(
      recordCount: lines.records, newlineCount: lines.line - 1, endsBetweenRecords: between,
      multiLine: lines.multiLine)
  }

  /// The file's size and SHA-256 from windows of it mapped in turn (read with `read(2)` when one cannot be
  /// mapped), on the calling thread: a chunked read runs it beside the parsers.
  func mappedFingerprint() throws -> (byteCount: Int, sha256: String) {
    let fd = try openForReading()
    defer { close(fd) }
    let size = try size(of: fd)
    var hasher = SHA256()
    var done = 0
    let window = 4 << 20
    while done < size {
      let length = min(window, size - done)
      let hashed: Void? = MappedFile.withWindow(fd, offset: done, length: length) { bytes in
        var k = 0
        while k < bytes.count {
          let end = min(k + readBlockSize, bytes.count)
          hasher.update(UnsafeRawBufferPointer(rebasing: bytes[k..<end]))
          k = end
        }
      }
      guard hashed != nil else { return try fingerprint() }
      done += length
    }
    return (size, hasher.finalize().hex)
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

  /// The file's first record (its header) and the offset just past the character that ends it, found by feeding
  /// libcsv the first bytes one at a time: blank lines before it are no record, so the header is not always on
  /// line 1, and a cut before that offset would leave it to a later range, which would read it as data. nil when no
  /// record ends within the first `limit` bytes (the file is then read sequentially, which reports any problem).
  func firstRecord(limit: Int = 1 << 20) throws -> (fields: [String], end: Int)? {
    let fd = try openForReading()
    defer { close(fd) }
    var parser = csv_parser()
    guard csv_init(&parser, UInt8(CSV_REPALL_NL | CSV_STRICT_FINI)) == 0 else { return nil }
    defer { csv_free(&parser) }
    var first: [String]?
    let assembler = RecordAssembler { record in first = record.strings }
    let window = min(limit, 64 * 1024)
    let buffer = UnsafeMutableRawPointer.allocate(byteCount: window, alignment: 16)
    defer { buffer.deallocate() }
    var done = 0
    while done < limit {
      let n = pread(fd, buffer, min(window, limit - done), off_t(done))
      if n < 0, errno == EINTR { continue }
      guard n > 0 else { return nil }
      let bytes = UnsafeRawBufferPointer(start: buffer, count: n)
      // A UTF-8 byte-order mark is not part of the first header name (as `read` skips it).
      let skip = done == 0 && n >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0
      for i in skip..<n {
        _ = assembler.feed(&parser, UnsafeRawBufferPointer(rebasing: bytes[i..<(i + 1)]))
        if let first { return (first, done + i + 1) }
      }
      done += n
    }
    return nil
  }

  /// Offsets where the file can be cut near `targets` (ascending offsets), each cut just after the first `\n` at
  /// or past its target (a candidate only: whether the newline ended a record is verified while parsing). Strictly
  /// increasing, between 0 and the file size exclusive; empty when the file is too small to cut.
  func splitCandidates(at targets: [Int]) throws -> [Int] {
    let fd = try openForReading()
    defer { close(fd) }
    let size = try size(of: fd)
    let window = 64 * 1024
    let buffer = UnsafeMutableRawPointer.allocate(byteCount: window, alignment: 16)
    defer { buffer.deallocate() }
    var cuts: [Int] = []
    for target in targets {
      var position = max(min(target, size), (cuts.last ?? 0) + 1)
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

  /// The size of the open file `fd`.
  private func size(of fd: Int32) throws -> Int {
    var info = stat()
    guard fstat(fd, &info) == 0 else {
      throw IngestError.unreadable(file: fileName, path: path, reason: String(cString: strerror(errno)))
    }
    return Int(info.st_size)
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
