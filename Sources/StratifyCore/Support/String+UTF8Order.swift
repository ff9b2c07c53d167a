import Foundation

extension String {
  /// Whether `self` comes before `other` in byte order of their UTF-8 (what `utf8.lexicographicallyPrecedes` says),
  /// by one `memcmp` of the two strings' bytes instead of a generic element-by-element walk: the order of patient ids
  /// is checked a million times a night.
  func utf8Precedes(_ other: String) -> Bool {
    var a = self
    var b = other
    return a.withUTF8 { x in
      b.withUTF8 { y in
        let common = Swift.min(x.count, y.count)
        if common > 0 {
          let order = memcmp(x.baseAddress!, y.baseAddress!, common)
          if order != 0 { return order < 0 }
        }
        return x.count < y.count
      }
    }
  }
}
