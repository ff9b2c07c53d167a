import Foundation
import Testing

@testable import StratifyCore

@Suite struct ByteInternerTests {
  func number(_ interner: inout ByteInterner, _ text: String) -> Int {
    var text = text
    return text.withUTF8 { interner.number($0) }
  }

  @Test func numbersEachDistinctByteStringOnceInOrderOfFirstSight() {
    var interner = ByteInterner()
    // Short and long keys, the empty one, keys that differ only in length or in their last byte, and enough of
    // them to grow the table several times.
    let keys =
      ["", "PR01", "PR01 ", "PR02", "CM04013", "a-case-manager-id-longer-than-16", "a-case-manager-id-longer-than-17"]
      + (0..<500).map { "CM\($0)" }
    for (n, key) in keys.enumerated() { #expect(number(&interner, key) == n) }
    for (n, key) in keys.enumerated().reversed() { #expect(number(&interner, key) == n) }
    #expect(interner.count == keys.count)
    for (n, key) in keys.enumerated() { #expect(interner.string(n) == key) }
  }

  @Test func tellsBytesApartNotStrings() {
    // "é" precomposed and decomposed: equal as Strings, different bytes.
    var interner = ByteInterner()
    #expect(number(&interner, "caf\u{E9}") == 0)
    #expect(number(&interner, "cafe\u{301}") == 1)
    #expect(interner.string(0) == interner.string(1))
  }
}
