import CLibCSV
import Foundation

/// Writes CSV through libcsv with a large buffer: a field is quoted (by `csv_write`) only when it holds a
/// comma, a quote, CR or LF, so plain files stay plain.
///
/// With `protectFormulas`, a cell that begins with `=`, `+`, `-`, `@`, tab or carriage return is prefixed with a
/// single quote, so a spreadsheet opening a worklist never runs it as a formula (OWASP CSV injection). A plain
/// number such as `-3` (days overdue) is left as it is: it cannot run anything, and a quote would make it text.
public final class CSVWriter {
  /// Bytes not yet written and the row state, kept in one stored property so that a field costs one exclusive
  /// access to the writer instead of several (the generator and the big outputs write ~100M fields).
  private var pending = PendingRows()
  private let handle: FileHandle?
  private let flushThreshold = 1 << 20
  public let protectFormulas: Bool

  /// Writes into an in-memory buffer; read it with `contents`.
  public init(protectFormulas: Bool = false) {
    handle = nil
    self.protectFormulas = protectFormulas
    pending.bytes.reserveCapacity(4096)
  }

  /// Creates (or truncates) `path` with the given permissions and streams into it.
  public init(path: String, permissions: Int = 0o640, protectFormulas: Bool = false) throws {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode_t(permissions))
    guard fd >= 0 else { throw CSVWriteError.cannotCreate(path: path, reason: String(cString: strerror(errno))) }
    fchmod(fd, mode_t(permissions))
    handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
    self.protectFormulas = protectFormulas
    pending.bytes.reserveCapacity(flushThreshold + 65536)
  }

  /// The bytes written so far (in-memory writer) or not yet flushed (file writer).
  public var contents: String { String(decoding: pending.bytes, as: UTF8.self) }

  /// Writes one record and its line end (`\n`).
  public func writeRow(_ fields: [String]) throws {
    for field in fields { writeField(field) }
    try endRow()
  }

  /// Writes one field of the current record.
  public func writeField(_ field: String) {
    var text = field
    text.withUTF8 { writeField(utf8: $0) }
  }

  /// Writes one field given as UTF-8 bytes, with the same formula protection and libcsv quoting as
  /// `writeField(_:)` but without building a `String`: the fast path for writers on a hot loop.
  public func writeField(utf8 src: UnsafeBufferPointer<UInt8>) {
    if protectFormulas, let first = src.first,
      first == 0x3D || first == 0x2B || first == 0x2D || first == 0x40 || first == 0x09 || first == 0x0D,
      !Self.isPlainNumber(src)
    {
      let protected = [0x27] + Array(src)
      protected.withUnsafeBufferPointer { pending.appendField($0) }
    } else {
      pending.appendField(src)
    }
  }

  /// `-12`, `-0.5`: an optional minus, digits, at most one dot between digits.
  static func isPlainNumber(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
    var i = b.first == 0x2D ? 1 : 0
    guard i < b.count else { return false }
    var digits = 0
    var dot = false
    while i < b.count {
      let c = b[i]
      if c >= 0x30 && c <= 0x39 {
        digits += 1
      } else if c == 0x2E && !dot && digits > 0 && i + 1 < b.count {
        dot = true
      } else {
        return false
      }
      i += 1
    }
    return digits > 0
  }

  /// Moves the complete rows buffered in `other` (typically an in-memory writer filled on another thread) to the
  /// end of this writer and empties `other`, so rows encoded in parallel can be written in a fixed order.
  public func append(rowsOf other: CSVWriter) throws {
    precondition(
      pending.atLineStart && other.pending.atLineStart, "append(rowsOf:) needs both writers at a row boundary")
    if handle != nil, pending.bytes.count + other.pending.bytes.count >= flushThreshold {
      // Large blocks go straight to the file, without a copy into this writer's buffer.
      try flush()
      try write(other.pending.bytes)
    } else {
      pending.bytes.append(contentsOf: other.pending.bytes)
    }
    other.pending.bytes.removeAll(keepingCapacity: true)
  }

  /// Ends the current record.
  public func endRow() throws {
    pending.endRow()
    if handle != nil, pending.bytes.count >= flushThreshold { try flush() }
  }

  /// Writes buffered bytes to the file.
  public func flush() throws {
    guard handle != nil, !pending.bytes.isEmpty else { return }
    try write(pending.bytes)
    pending.bytes.removeAll(keepingCapacity: true)
  }

  private func write(_ bytes: [UInt8]) throws {
    guard let handle, !bytes.isEmpty else { return }
    do {
      try handle.write(contentsOf: bytes)
    } catch {
      throw CSVWriteError.writeFailed(reason: "\(error)")
    }
  }

  /// Flushes, fsyncs and closes the file.
  public func close() throws {
    try flush()
    guard let handle else { return }
    do {
      try handle.synchronize()
      try handle.close()
    } catch {
      throw CSVWriteError.writeFailed(reason: "\(error)")
    }
  }
}

/// The encoded bytes a `CSVWriter` holds and where the current row stands.
private struct PendingRows {
  var bytes: [UInt8] = []
  var scratch: [UInt8] = []
  var atLineStart = true

  /// Appends a field separator when needed, then the field: plain bytes as they are, anything holding a comma, a
  /// quote, CR or LF through `csv_write`.
  mutating func appendField(_ src: UnsafeBufferPointer<UInt8>) {
    if !atLineStart { bytes.append(0x2C) }
    atLineStart = false
    var needsQuotes = false
    for byte in src where byte == 0x2C || byte == 0x22 || byte == 0x0A || byte == 0x0D {
      needsQuotes = true
      break
    }
    if !needsQuotes {
      bytes.append(contentsOf: src)
      return
    }
    let capacity = src.count * 2 + 2
    if scratch.count < capacity { scratch = [UInt8](repeating: 0, count: capacity) }
    let written = scratch.withUnsafeMutableBytes { dst in
      csv_write(dst.baseAddress, capacity, src.baseAddress, src.count)
    }
    bytes.append(contentsOf: scratch[0..<written])
  }

  mutating func endRow() {
    bytes.append(0x0A)
    atLineStart = true
  }
}

/// Why a CSV file could not be written.
public enum CSVWriteError: Error, CustomStringConvertible {
  case cannotCreate(path: String, reason: String)
  case writeFailed(reason: String)

  public var description: String {
    switch self {
    case .cannotCreate(let path, let reason): return "cannot create \(path): \(reason)"
    case .writeFailed(let reason): return "write failed: \(reason)"
    }
  }
}
