import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A window of an extract mapped read-only: the chunked read's range parsers and fingerprint read the page cache
/// in place instead of copying the file through `read(2)` twice (about 0.35 s of system time at 1M patients).
/// Windows of a few MB are mapped in turn and unmapped after, so the mapped pages add only a few MB to the
/// process's resident memory.
///
/// A mapped file that another process truncates while it is read raises SIGBUS on the next access past its new
/// end. The first mapping installs a handler that turns that into the exit of an unreadable input (66) with a
/// message instead of a crash; nothing has been published at that point (outputs are written after ingest, in a
/// staging folder), so the previous night's outputs stay as they were.
enum MappedFile {
  /// Calls `body` with bytes `offset..<offset + length` of the open file `fd`, mapped; nil (without calling it)
  /// when the window cannot be mapped, so that the caller reads it instead.
  static func withWindow<R>(
    _ fd: Int32, offset: Int, length: Int, _ body: (UnsafeRawBufferPointer) throws -> R
  ) rethrows -> R? {
    guard let bytes = map(fd, offset: offset, length: length) else { return nil }
    defer { unmap(bytes) }
    return try body(bytes)
  }

  /// Whether bytes `offset..<offset + length` lie within the open file `fd` as it is now.
  static func canMap(_ fd: Int32, offset: Int, length: Int) -> Bool {
    var info = stat()
    return length > 0 && fstat(fd, &info) == 0 && offset + length <= Int(info.st_size)
  }

  /// Bytes `offset..<offset + length` of the open file `fd` mapped (nil when they cannot be: a window past the end
  /// would fault, so a file that shrank is left to the read, which reports it); `unmap` them after.
  static func map(_ fd: Int32, offset: Int, length: Int) -> UnsafeRawBufferPointer? {
    guard canMap(fd, offset: offset, length: length) else { return nil }
    let start = offset / pageSize * pageSize
    let size = offset + length - start
    guard let base = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, off_t(start)), base != MAP_FAILED else {
      return nil
    }
    guardAgainstTruncation
    return UnsafeRawBufferPointer(start: base + (offset - start), count: length)
  }

  /// Unmaps what `map` returned.
  static func unmap(_ bytes: UnsafeRawBufferPointer) {
    guard let base = bytes.baseAddress else { return }
    let address = Int(bitPattern: base)
    let start = address / pageSize * pageSize
    munmap(UnsafeMutableRawPointer(bitPattern: start), address + bytes.count - start)
  }

  private static let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))

  /// Installed once, by the first mapping.
  private static let guardAgainstTruncation: Void = {
    signal(SIGBUS) { _ in
      let message: StaticString =
        "stratify: an input file changed size while it was being read (SIGBUS); nothing was published\n"
      _ = write(2, message.utf8Start, message.utf8CodeUnitCount)
      _exit(66)
    }
  }()
}
