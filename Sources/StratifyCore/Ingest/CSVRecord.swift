/// One CSV record as the reader hands it over: a view into the reader's reusable buffers, valid only inside the
/// callback it is passed to (copy out what you keep). Reading a field costs no allocation unless you ask for a
/// `String`.
public struct CSVRecord {
  /// Physical line (1-based) of the file where the record starts; later lines of a record with embedded
  /// newlines do not change it.
  public let line: Int
  private let bytes: UnsafeBufferPointer<UInt8>
  /// End offset in `bytes` of each field; field `i` starts where field `i - 1` ends.
  private let ends: UnsafeBufferPointer<Int>

  init(line: Int, bytes: UnsafeBufferPointer<UInt8>, ends: UnsafeBufferPointer<Int>) {
    self.line = line
    self.bytes = bytes
    self.ends = ends
  }

  /// Number of fields.
  public var count: Int { ends.count }

  /// The raw bytes of field `index` (unquoted, escapes resolved); valid only during the callback.
  @inline(__always) public func bytes(at index: Int) -> UnsafeBufferPointer<UInt8> {
    let start = index == 0 ? 0 : ends[index - 1]
    return UnsafeBufferPointer(rebasing: bytes[start..<ends[index]])
  }

  /// Calls `body` with the bytes of field `index`.
  public func withBytes<R>(at index: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
    try body(bytes(at: index))
  }

  /// Field `index` as a String (invalid UTF-8 is repaired with U+FFFD).
  public func string(at index: Int) -> String {
    String(decoding: bytes(at: index), as: UTF8.self)
  }

  /// All fields as Strings; convenient for headers and tests, not for the hot path.
  public var strings: [String] { (0..<count).map(string(at:)) }
}
