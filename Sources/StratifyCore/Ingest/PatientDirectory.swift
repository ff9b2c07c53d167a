import Foundation

/// The accepted patients that utilization and discharge rows must refer to, shared read-only by both readers:
/// patient_id → position in the accepted patients array.
///
/// Ids of up to 16 ASCII bytes (the usual case) are kept as `ShortPatientID`s in an open-addressing table of
/// positions, so a row finds its patient from the field's bytes with one multiply and, usually, one probe, and a
/// million patients take about 32 MB. Other ids go in a `String` dictionary. Lookups follow `String` equality
/// (canonical equivalence), as a `[String: Int32]` would: an id is looked up by its bytes, by its `String`, and,
/// when it is not ASCII, by its canonical composition, which is ASCII exactly when it is equivalent to an ASCII id.
struct PatientDirectory: Sendable {
  /// The short key of each accepted patient's id, by position (nil for the ids kept in `otherIDs`).
  private(set) var keys: [ShortPatientID?] = []
  /// Open addressing: a power-of-two number of slots holding a position + 1, 0 when empty; at most half full.
  private var slots: [Int32] = Array(repeating: 0, count: 1024)
  /// Ids without a short key, and where they are.
  private var otherIDs: [String: Int32] = [:]
  /// patient_id of a rejected patients.csv row → its line, so dependent rows can say why they are unknown.
  var rejectedLines: [String: Int] = [:]

  init() {}

  /// An empty directory with room for `capacity` patients.
  init(capacity: Int) {
    reserveCapacity(capacity)
  }

  /// Makes room for `capacity` patients in all.
  mutating func reserveCapacity(_ capacity: Int) {
    keys.reserveCapacity(capacity)
    var size = slots.count
    while size < capacity * 2 { size *= 2 }
    if size > slots.count { grow(to: size) }
  }

  /// A directory of `ids` at positions 0, 1, … (tests).
  init(ids: [String]) {
    for id in ids { _ = insert(id) }
  }

  /// Accepted patients.
  var count: Int { keys.count }

  /// Adds an accepted patient's id at the next position; when an equal id is already there, adds nothing and
  /// returns that one's position.
  mutating func insert(_ id: String) -> Int32? { insert(id, key: ShortPatientID(id)) }

  /// `insert(_:)` with the id's key already made (`ShortPatientID(id)`).
  mutating func insert(_ id: String, key: ShortPatientID?) -> Int32? {
    // An id without a short key, or any id once some exist, may equal one stored another way.
    if key == nil || !otherIDs.isEmpty, let existing = position(of: id, key: key) { return existing }
    let position = Int32(keys.count)
    guard let key else {
      keys.append(nil)
      otherIDs[id] = position
      return nil
    }
    // One probe sequence finds an equal key or the empty slot it goes in.
    if (keys.count + 1) * 2 > slots.count { grow(to: slots.count * 2) }
    if let existing = insertShort(key, position) { return existing }
    keys.append(key)
    return nil
  }

  /// The position of the id whose bytes make `key`, when found without a `String`; nil means "ask
  /// `resolve(_:)`", never "unknown".
  @inline(__always) func find(_ key: ShortPatientID?) -> Int32? {
    guard let key else { return nil }
    return lookup(key)
  }

  /// `find(_:)`, trying first the patient after `previous`: extracts sorted like patients.csv hit it.
  @inline(__always) func find(_ key: ShortPatientID?, after previous: Int32) -> Int32? {
    guard let key else { return nil }
    let next = Int(previous) + 1
    if next < keys.count, keys[next] == key { return Int32(next) }
    return lookup(key)
  }

  /// The position of `id`, or nil when no accepted patient has it.
  func position(of id: String) -> Int32? { position(of: id, key: ShortPatientID(id)) }

  /// The patient index of `id`, or the problem that makes the row referring to it unusable.
  func resolve(_ id: String) throws -> Int32 {
    if let p = position(of: id) { return p }
    if let line = rejectedLines[id] {
      throw FieldProblem(
        category: .rejectedPatient, column: "patient_id",
        reason: "patient_id \(Self.quote(id)) was rejected in patients.csv (line \(line))")
    }
    throw FieldProblem(
      category: .unknownPatient, column: "patient_id", reason: "patient_id \(Self.quote(id)) is not in patients.csv")
  }

  static func quote(_ id: String) -> String {
    var copy = id
    return copy.withUTF8 { FieldBytes.quote($0) }
  }

  private func position(of id: String, key: ShortPatientID?) -> Int32? {
    if let key, let p = lookup(key) { return p }
    if otherIDs.isEmpty && key != nil { return nil }
    if let p = otherIDs[id] { return p }
    // A non-ASCII id can equal an ASCII one (U+212A KELVIN SIGN is K): its canonical composition is then that id.
    if key == nil, !id.utf8.allSatisfy({ $0 < 0x80 }),
      let composed = ShortPatientID(id.precomposedStringWithCanonicalMapping)
    {
      return lookup(composed)
    }
    return nil
  }

  /// Reads the slots (and the keys they point to) that inserting or looking up `keys` will probe first, and
  /// returns a value made from them that the caller must keep (so the reads are not optimized away).
  ///
  /// The table is far larger than the caches and a million ids land at random in it, so each insert would wait
  /// for memory once or twice; reading a batch of slots in a tight loop of independent loads lets the processor
  /// fetch them side by side, and the inserts that follow find them in the cache.
  func touch(_ keys: ArraySlice<ShortPatientID?>) -> Int32 {
    slots.withUnsafeBufferPointer { slots in
      self.keys.withUnsafeBufferPointer { stored in
        let mask = slots.count - 1
        var sum: Int32 = 0
        for key in keys {
          guard let key else { continue }
          let entry = slots[key.slot(mask: mask)]
          sum &+= entry
          if entry > 0, Int(entry) <= stored.count, let other = stored[Int(entry) - 1] {
            sum &+= Int32(other.slot(mask: 1))
          }
        }
        return sum
      }
    }
  }

  @inline(__always) private func lookup(_ key: ShortPatientID) -> Int32? {
    slots.withUnsafeBufferPointer { slots in
      let mask = slots.count - 1
      var i = key.slot(mask: mask)
      while true {
        let entry = slots[i]
        if entry == 0 { return nil }
        if keys[Int(entry) - 1] == key { return entry - 1 }
        i = (i + 1) & mask
      }
    }
  }

  /// Puts `key` at `position` unless an equal key is there already; returns that one's position.
  private mutating func insertShort(_ key: ShortPatientID, _ position: Int32) -> Int32? {
    let keys = self.keys
    return slots.withUnsafeMutableBufferPointer { slots in
      let mask = slots.count - 1
      var i = key.slot(mask: mask)
      while slots[i] != 0 {
        if keys[Int(slots[i]) - 1] == key { return slots[i] - 1 }
        i = (i + 1) & mask
      }
      slots[i] = position + 1
      return nil
    }
  }

  private mutating func grow(to size: Int) {
    slots = Array(repeating: 0, count: size)
    let mask = slots.count - 1
    for (position, key) in keys.enumerated() {
      guard let key else { continue }
      var i = key.slot(mask: mask)
      while slots[i] != 0 { i = (i + 1) & mask }
      slots[i] = Int32(position) + 1
    }
  }
}
