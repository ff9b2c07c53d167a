import Foundation

/// Small integers for byte strings (ids such as practice_id or case_manager_id read from records in place): the
/// first distinct byte string gets 0, the next 1, and so on. A lookup hashes the bytes and compares them with the
/// stored ones, without making a `String` or allocating.
///
/// Numbers tell byte strings apart, not `String`s: two different byte strings that read back as equal `String`s
/// (canonical equivalence, repaired invalid UTF-8) get different numbers, so a caller that groups by `String` maps
/// each number's `string(_:)` to its group once.
struct ByteInterner {
  /// The byte strings one after the other; number `i` is `bytes[starts[i]..<starts[i + 1]]`.
  private var bytes: [UInt8] = []
  private var starts: [Int] = [0]
  /// Open addressing: a number, or -1 for an empty slot; a power of two at least twice `count`.
  private var table = [Int32](repeating: -1, count: 16)
  /// Per number: its bytes as `FieldBytes.words` and its length, when it has at most 16 bytes.
  private var words: [(UInt64, UInt64, Int)] = []

  /// How many distinct byte strings have numbers.
  var count: Int { starts.count - 1 }

  /// The number of `key` (a new one, `count` before the call, when it is new).
  @inline(__always) mutating func number(_ key: UnsafeBufferPointer<UInt8>) -> Int {
    // A key of up to 16 bytes is compared as two words and its length.
    let (low, high) = key.count <= 16 ? FieldBytes.words(key) : (0, 0)
    let hash = key.count <= 16 ? Self.hash(low, high, key.count) : Self.hash(key)
    var slot = hash & (table.count - 1)
    while true {
      let n = Int(table[slot])
      if n < 0 { break }
      if key.count <= 16 {
        if words[n] == (low, high, key.count) { return n }
      } else if equals(n, key) {
        return n
      }
      slot = (slot + 1) & (table.count - 1)
    }
    let n = count
    bytes.append(contentsOf: key)
    starts.append(bytes.count)
    // A longer key's entry never matches a short one (its length is -1).
    words.append(key.count <= 16 ? (low, high, key.count) : (0, 0, -1))
    table[slot] = Int32(n)
    if count * 2 > table.count { grow() }
    return n
  }

  /// The byte string of number `n`, decoded as UTF-8.
  func string(_ n: Int) -> String {
    bytes.withUnsafeBufferPointer {
      String(decoding: UnsafeBufferPointer(rebasing: $0[starts[n]..<starts[n + 1]]), as: UTF8.self)
    }
  }

  private func equals(_ n: Int, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
    let start = starts[n]
    guard starts[n + 1] - start == key.count else { return false }
    return bytes.withUnsafeBufferPointer { stored in
      key.isEmpty || memcmp(stored.baseAddress! + start, key.baseAddress!, key.count) == 0
    }
  }

  private mutating func grow() {
    table = [Int32](repeating: -1, count: table.count * 2)
    for n in 0..<count {
      let hash =
        words[n].2 >= 0
        ? Self.hash(words[n].0, words[n].1, words[n].2)
        : bytes.withUnsafeBufferPointer { Self.hash(UnsafeBufferPointer(rebasing: $0[starts[n]..<starts[n + 1]])) }
      var slot = hash & (table.count - 1)
      while table[slot] >= 0 { slot = (slot + 1) & (table.count - 1) }
      table[slot] = Int32(n)
    }
  }

  /// A multiplicative hash of a short key's words and length, its high bits folded down.
  @inline(__always) private static func hash(_ low: UInt64, _ high: UInt64, _ count: Int) -> Int {
    let h = (low &* 0x9E37_79B9_7F4A_7C15) ^ ((high &+ UInt64(count)) &* 0xC2B2_AE3D_27D4_EB4F)
    return Int(truncatingIfNeeded: ((h ^ (h >> 29)) &* 0xBF58_476D_1CE4_E5B9) >> 32)
  }

  /// FNV-1a over the bytes, its high bits folded down (ids are short and differ in their last bytes).
  private static func hash(_ key: UnsafeBufferPointer<UInt8>) -> Int {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in key { h = (h ^ UInt64(byte)) &* 0x100_0000_01b3 }
    return Int(truncatingIfNeeded: h ^ (h >> 32))
  }
}
