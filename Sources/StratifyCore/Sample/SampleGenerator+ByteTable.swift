extension SampleGenerator {
  /// Immutable strings stored once as contiguous UTF-8, handed to `CSVWriter.writeField(utf8:)` without building a
  /// `String` per field: the generator writes ~100M fields for 1M patients.
  final class ByteTable: @unchecked Sendable {
    // Safe to share: written only in `init`, read-only afterwards.
    private let storage: UnsafeMutableBufferPointer<UInt8>
    private let offsets: [Int]

    init(_ strings: [String]) {
      var bytes: [UInt8] = []
      var offsets = [0]
      for string in strings {
        bytes.append(contentsOf: string.utf8)
        offsets.append(bytes.count)
      }
      storage = .allocate(capacity: max(1, bytes.count))
      _ = storage.initialize(from: bytes)
      self.offsets = offsets
    }

    deinit { storage.deallocate() }

    var count: Int { offsets.count - 1 }

    /// The UTF-8 bytes of string `i`.
    @inline(__always) subscript(i: Int) -> UnsafeBufferPointer<UInt8> {
      UnsafeBufferPointer(rebasing: UnsafeBufferPointer(storage)[offsets[i]..<offsets[i + 1]])
    }

    /// String `i`, for tests and diagnostics.
    func string(_ i: Int) -> String { String(decoding: self[i], as: UTF8.self) }
  }

  /// `YYYY-MM-DD` for every day from `first` to `last`, formatted once.
  struct DateTable: Sendable {
    let first: Day
    let text: ByteTable

    init(from first: Day, through last: Day) {
      self.first = first
      text = ByteTable((0...(last - first)).map { (first + $0).description })
    }

    @inline(__always) subscript(day: Day) -> UnsafeBufferPointer<UInt8> { text[day - first] }
  }
}
