import Foundation

/// Lists already parsed from one column, by the field's bytes: patients with the same conditions or social needs
/// share one array instead of one each (a million patients have about 140 thousand distinct condition lists and a
/// few dozen lists of needs, and a quarter of them have none).
///
/// One cache serves one column and one way of parsing it. An open-addressing table of entry numbers with each
/// field's bytes in one buffer: a lookup hashes the bytes a word at a time and compares them with `memcmp`, and a
/// new entry allocates nothing but its list.
struct FieldListCache {
  /// Entries kept at most, so the cache stays small beside the records.
  static let capacity = 1 << 17

  private struct Entry {
    var hash: UInt64
    var start: Int
    var count: Int
    var list: [String]
  }

  /// A power-of-two number of slots holding an entry number + 1, 0 when empty; at most half full.
  private var slots = [Int32](repeating: 0, count: 1024)
  private var entries: [Entry] = []
  /// The field bytes of every entry, one after the other.
  private var bytes: [UInt8] = []

  /// The list `parse` makes of `raw` (a non-empty, trimmed field), shared with earlier rows of the same bytes.
  mutating func list(
    for raw: UnsafeBufferPointer<UInt8>, parse: (UnsafeBufferPointer<UInt8>) -> [String]
  ) -> [String] {
    let hash = Self.hash(raw)
    let mask = slots.count - 1
    var i = Int(truncatingIfNeeded: hash >> 32) & mask
    let found = slots.withUnsafeBufferPointer { slots in
      entries.withUnsafeBufferPointer { entries in
        bytes.withUnsafeBufferPointer { bytes -> Int? in
          while true {
            let slot = Int(slots[i])
            if slot == 0 { return nil }
            let entry = entries.baseAddress! + (slot - 1)
            if entry.pointee.hash == hash, entry.pointee.count == raw.count,
              memcmp(bytes.baseAddress! + entry.pointee.start, raw.baseAddress!, raw.count) == 0
            {
              return slot - 1
            }
            i = (i + 1) & mask
          }
        }
      }
    }
    if let found { return entries[found].list }
    let list = parse(raw)
    guard entries.count < Self.capacity else { return list }
    entries.append(Entry(hash: hash, start: bytes.count, count: raw.count, list: list))
    bytes.append(contentsOf: raw)
    slots[i] = Int32(entries.count)
    if entries.count * 2 > slots.count { grow() }
    return list
  }

  /// A hash of the bytes, eight at a time.
  private static func hash(_ raw: UnsafeBufferPointer<UInt8>) -> UInt64 {
    let p = UnsafeRawPointer(raw.baseAddress!)
    var h = UInt64(raw.count) &* 0x9E37_79B9_7F4A_7C15
    var i = 0
    while i + 8 <= raw.count {
      h = mix(h ^ UInt64(littleEndian: p.loadUnaligned(fromByteOffset: i, as: UInt64.self)))
      i += 8
    }
    if i < raw.count {
      var tail: UInt64 = 0
      withUnsafeMutableBytes(of: &tail) { $0.baseAddress!.copyMemory(from: p + i, byteCount: raw.count - i) }
      h = mix(h ^ UInt64(littleEndian: tail))
    }
    return mix(h)
  }

  @inline(__always) private static func mix(_ x: UInt64) -> UInt64 {
    let y = (x ^ (x >> 31)) &* 0xBF58_476D_1CE4_E5B9
    return y ^ (y >> 29)
  }

  private mutating func grow() {
    slots = [Int32](repeating: 0, count: slots.count * 2)
    let mask = slots.count - 1
    for (k, entry) in entries.enumerated() {
      var i = Int(truncatingIfNeeded: entry.hash >> 32) & mask
      while slots[i] != 0 { i = (i + 1) & mask }
      slots[i] = Int32(k + 1)
    }
  }
}
