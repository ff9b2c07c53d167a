import Foundation

/// Writes a whole output file (HTML, JSON, text): created with the output permissions, written fully, fsynced.
public enum OutputFile {
  public static func write(_ text: String, to path: String, permissions: Int = OutputFolder.filePermissions) throws {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode_t(permissions))
    guard fd >= 0 else { throw CSVWriteError.cannotCreate(path: path, reason: String(cString: strerror(errno))) }
    defer { close(fd) }
    fchmod(fd, mode_t(permissions))
    let bytes = Array(text.utf8)
    var offset = 0
    while offset < bytes.count {
      let n = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
      guard n > 0 else { throw CSVWriteError.writeFailed(reason: "\(path): \(String(cString: strerror(errno)))") }
      offset += n
    }
    guard fsync(fd) == 0 else {
      throw CSVWriteError.writeFailed(reason: "\(path): \(String(cString: strerror(errno)))")
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
