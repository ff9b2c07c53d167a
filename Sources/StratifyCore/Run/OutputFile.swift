import Foundation

/// Writes a whole output file (HTML, JSON, text): created with the output permissions, written fully, fsynced.
///
/// Files of a run's staging folder are written with `sync: false` (or through `Stream`): `OutputFolder.publish`
/// fsyncs the whole folder, every file at once, before the rename that publishes it, so one fsync per file at write
/// time would only add a second wait for the disk.
public enum OutputFile {
  public static func write(
    _ text: String, to path: String, permissions: Int = OutputFolder.filePermissions, sync: Bool = true
  ) throws {
    let stream = try Stream(path: path, permissions: permissions)
    try stream.write(text)
    try stream.close(sync: sync)
  }

  /// A file written in pieces (created with the output permissions), not fsynced unless asked on close.
  public final class Stream {
    public let path: String
    private var fd: Int32

    public init(path: String, permissions: Int = OutputFolder.filePermissions) throws {
      self.path = path
      fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode_t(permissions))
      guard fd >= 0 else { throw CSVWriteError.cannotCreate(path: path, reason: String(cString: strerror(errno))) }
      fchmod(fd, mode_t(permissions))
    }

    deinit { if fd >= 0 { Glibc.close(fd) } }

    public func write(_ text: String) throws {
      var text = text
      try text.withUTF8 { try write(UnsafeRawBufferPointer($0)) }
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
      var offset = 0
      while offset < bytes.count {
        let n = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
        if n < 0 && errno == EINTR { continue }
        guard n > 0 else { throw CSVWriteError.writeFailed(reason: "\(path): \(String(cString: strerror(errno)))") }
        offset += n
      }
    }

    public func close(sync: Bool = false) throws {
      defer {
        Glibc.close(fd)
        fd = -1
      }
      if sync {
        guard fsync(fd) == 0 else {
          throw CSVWriteError.writeFailed(reason: "\(path): \(String(cString: strerror(errno)))")
        }
      }
    }
  }

  /// CSV for a staging folder: encoded by `CSVWriter` (libcsv quoting, formula protection) into memory, a block of
  /// rows at a time, and streamed to the file without an fsync (see `OutputFile`).
  public final class CSV {
    private let file: Stream
    /// The encoder of the current block of rows; write fields into it, then call `endRow`.
    public private(set) var encoder = CSVWriter(protectFormulas: true)
    private var rows = 0
    private let rowsPerBlock = 8192

    public init(path: String, permissions: Int = OutputFolder.filePermissions) throws {
      file = try Stream(path: path, permissions: permissions)
    }

    public func writeRow(_ fields: [String]) throws {
      try encoder.writeRow(fields)
      try rowWritten()
    }

    public func endRow() throws {
      try encoder.endRow()
      try rowWritten()
    }

    private func rowWritten() throws {
      rows += 1
      if rows >= rowsPerBlock { try drain() }
    }

    private func drain() throws {
      guard rows > 0 else { return }
      try file.write(encoder.contents)
      encoder = CSVWriter(protectFormulas: true)
      rows = 0
    }

    public func close() throws {
      try drain()
      try file.close()
    }
  }

  /// Writes to a temporary file beside `path` and renames it over `path` (for stable files read by others,
  /// such as the Prometheus textfile).
  public static func replaceAtomically(_ text: String, at path: String, permissions: Int = OutputFolder.filePermissions)
    throws
  {
    let temporary = path + ".tmp-\(getpid())"
    try write(text, to: temporary, permissions: permissions)
    guard rename(temporary, path) == 0 else {
      let reason = String(cString: strerror(errno))
      unlink(temporary)
      throw CSVWriteError.writeFailed(reason: "\(path): \(reason)")
    }
  }
}
