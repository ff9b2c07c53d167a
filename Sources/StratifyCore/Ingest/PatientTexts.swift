/// The eight short texts of a patients.csv row — names, sex, phone, practice, PCP, case manager, payer — packed in
/// 64 bytes inside the record instead of eight 16-byte `String`s (a million patients are held at once): a length
/// byte per text, then their UTF-8 one after the other. Texts that do not fit (more than 56 bytes in all, about 3%
/// of rows at 1M) are kept as `String`s in one shared box instead.
///
/// A text reads back as `String(decoding:as:)` of its bytes, which is what reading the field as a `String` gives.
struct PatientTexts: Sendable, Equatable {
  enum Field: Int, CaseIterable {
    case firstName, lastName, sex, phone, practiceID, pcpID, caseManagerID, payer
  }

  /// Bytes of text the packed form holds.
  static let capacity = 56
  /// The length byte of an absent text (nil, not empty).
  private static let absent: UInt8 = 0xFF

  private var packed: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
  /// The texts, when they do not fit in `packed`.
  private var box: Box?

  private final class Box: Sendable {
    let values: [String?]
    init(_ values: [String?]) { self.values = values }
  }

  /// `values` in `Field` order.
  init(_ values: [String?]) {
    precondition(values.count == Field.allCases.count)
    var packer = Packer()
    for value in values {
      if var text = value {
        text.withUTF8 { packer.add($0) }
      } else {
        packer.add(nil)
      }
    }
    self = packer.texts
  }

  subscript(field: Field) -> String? {
    get {
      if let box { return box.values[field.rawValue] }
      return withUnsafeBytes(of: packed) { raw -> String? in
        let count = raw[field.rawValue]
        if count == Self.absent { return nil }
        var start = Field.allCases.count
        for k in 0..<field.rawValue where raw[k] != Self.absent { start += Int(raw[k]) }
        return String(decoding: UnsafeRawBufferPointer(rebasing: raw[start..<start + Int(count)]), as: UTF8.self)
      }
    }
    set {
      var values = Field.allCases.map { self[$0] }
      values[field.rawValue] = newValue
      self = PatientTexts(values)
    }
  }

  /// Calls `body` with the UTF-8 bytes of `field` (nil when absent), read in place: no `String` is made unless the
  /// texts are kept in the box.
  @inline(__always) func withBytes<R>(_ field: Field, _ body: (UnsafeBufferPointer<UInt8>?) -> R) -> R {
    if let box {
      guard var text = box.values[field.rawValue] else { return body(nil) }
      return text.withUTF8 { body($0) }
    }
    return withUnsafeBytes(of: packed) { raw -> R in
      let count = raw[field.rawValue]
      if count == Self.absent { return body(nil) }
      var start = Field.allCases.count
      for k in 0..<field.rawValue where raw[k] != Self.absent { start += Int(raw[k]) }
      return body(UnsafeRawBufferPointer(rebasing: raw[start..<start + Int(count)]).assumingMemoryBound(to: UInt8.self))
    }
  }

  static func == (a: PatientTexts, b: PatientTexts) -> Bool {
    Field.allCases.allSatisfy { a[$0] == b[$0] }
  }

  /// Packs the texts of one row from their bytes, in `Field` order, without making a `String` unless they do not
  /// fit.
  struct Packer {
    private(set) var texts = PatientTexts()
    private var used = 0
    private var added = 0
    /// The texts so far, once they no longer fit.
    private var spilled: [String?]?

    init() {}

    /// Adds the next text (nil when absent): a text that fits is copied in place, anything else goes the outlined
    /// way.
    @inline(__always) mutating func add(_ bytes: UnsafeBufferPointer<UInt8>?) {
      if spilled == nil {
        guard let bytes else {
          let index = added
          withUnsafeMutableBytes(of: &texts.packed) { $0[index] = PatientTexts.absent }
          added += 1
          return
        }
        let count = bytes.count
        if count < Int(PatientTexts.absent) && used + count <= capacity {
          let index = added
          let start = Field.allCases.count + used
          withUnsafeMutableBytes(of: &texts.packed) { raw in
            raw[index] = UInt8(truncatingIfNeeded: count)
            guard let base = bytes.baseAddress, count > 0 else { return }
            if count <= 16, start + 16 <= raw.count {
              // Two stores instead of a call to memmove: the bytes past the text are zero, as they were.
              let (low, high) = FieldBytes.words(bytes)
              raw.storeBytes(of: low.littleEndian, toByteOffset: start, as: UInt64.self)
              raw.storeBytes(of: high.littleEndian, toByteOffset: start + 8, as: UInt64.self)
            } else {
              (raw.baseAddress! + start).copyMemory(from: base, byteCount: count)
            }
          }
          used += count
          added += 1
          return
        }
      }
      addSpilling(bytes)
    }

    /// `add(_:)` once the texts no longer fit: all of them as `String`s.
    @inline(never) private mutating func addSpilling(_ bytes: UnsafeBufferPointer<UInt8>?) {
      defer { added += 1 }
      if spilled == nil { spilled = (0..<added).map { texts[Field(rawValue: $0)!] } }
      spilled!.append(bytes.map { String(decoding: $0, as: UTF8.self) })
      if added == Field.allCases.count - 1 { texts = PatientTexts(box: Box(spilled!)) }
    }
  }

  private init() {}

  private init(box: Box) { self.box = box }
}
