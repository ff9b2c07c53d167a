/// A patient_id of up to 16 ASCII bytes packed into two words: a dictionary key that costs no allocation, so a
/// utilization or discharge row finds its patient without building a `String`.
///
/// Only ASCII ids get one: for them byte equality is exactly `String` equality, whereas non-ASCII ids can be
/// equal as Strings with different bytes (canonical equivalence, repaired invalid UTF-8). Those, longer ids, and
/// any id not found this way go through the `String` lookup, so the answer is always the one it gives.
struct ShortPatientID: Hashable {
  private var low: UInt64 = 0
  private var high: UInt64 = 0
  private var count: UInt8

  /// nil when `bytes` is empty, longer than 16 bytes, or not all ASCII.
  @inline(__always) init?(_ bytes: UnsafeBufferPointer<UInt8>) {
    guard !bytes.isEmpty, bytes.count <= 16 else { return nil }
    // The bytes, little-endian, in two zero-padded words.
    let (low, high) = FieldBytes.words(bytes)
    guard (low | high) & 0x8080_8080_8080_8080 == 0 else { return nil }
    self.low = low
    self.high = high
    count = UInt8(bytes.count)
  }

  /// A slot in a power-of-two table (`mask` = its size − 1): the high bits of a multiplicative hash.
  @inline(__always) func slot(mask: Int) -> Int {
    let h = (low &* 0x9E37_79B9_7F4A_7C15) ^ ((high &+ UInt64(count)) &* 0xC2B2_AE3D_27D4_EB4F)
    return Int(truncatingIfNeeded: ((h ^ (h >> 29)) &* 0xBF58_476D_1CE4_E5B9) >> 32) & mask
  }

  /// The key of an accepted patient's id; nil when it has none (see `init(_:)`).
  init?(_ id: String) {
    var copy = id
    guard let key = copy.withUTF8({ ShortPatientID($0) }) else { return nil }
    self = key
  }
}
