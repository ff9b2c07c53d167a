import Testing

@testable import StratifyCore

@Suite struct SHA256Tests {
  @Test(arguments: [
    ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
    ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
    (
      "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
    ),
  ])
  func matchesTheNISTVectors(message: String, digest: String) {
    #expect(SHA256.hex(of: Array(message.utf8)) == digest)
  }

  @Test func hashesAMillionAs() {
    #expect(
      SHA256.hex(of: [UInt8](repeating: 0x61, count: 1_000_000))
        == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
  }

  @Test(arguments: [1, 7, 63, 64, 65, 1000])
  func givesTheSameDigestWhateverTheChunking(chunk: Int) {
    let message = (0..<3000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
    var hasher = SHA256()
    var start = 0
    while start < message.count {
      hasher.update(message[start..<min(start + chunk, message.count)])
      start += chunk
    }
    #expect(hasher.finalize().hex == SHA256.hex(of: message))
  }

  /// Random messages cut at random places (including empty updates and tails that fill the pending block exactly)
  /// hash like the same message given at once; the raw-buffer and collection entry points agree.
  @Test(arguments: [1, 2, 3, 4, 5])
  func givesTheSameDigestForRandomDataInRandomChunks(seed: UInt64) {
    var generator = SplitMix64(seed: seed)
    for _ in 0..<20 {
      let length = Int(generator.next() % 5000)
      let message = (0..<length).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
      let oneShot = SHA256.hex(of: message)
      var hasher = SHA256()
      var start = 0
      message.withUnsafeBytes { bytes in
        while start < message.count {
          let chunk = Int(generator.next() % 200)
          let end = min(start + chunk, message.count)
          if generator.next() % 2 == 0 {
            hasher.update(UnsafeRawBufferPointer(rebasing: bytes[start..<end]))
          } else {
            hasher.update(message[start..<end])
          }
          start = end
        }
      }
      #expect(hasher.finalize().hex == oneShot, "length \(length)")
    }
  }

  /// The FIPS 180-4 million-"a" message fed in odd-sized pieces (prime sizes, so the pieces never line up with the
  /// 64-byte blocks) gives the reference digest, through both entry points.
  @Test(arguments: [1, 3, 13, 61, 67, 997, 65_537])
  func hashesAMillionAsFedInOddPieces(piece: Int) {
    let message = [UInt8](repeating: 0x61, count: 1_000_000)
    var fromSlices = SHA256()
    var fromBuffers = SHA256()
    message.withUnsafeBytes { bytes in
      var start = 0
      while start < message.count {
        let end = min(start + piece, message.count)
        fromSlices.update(message[start..<end])
        fromBuffers.update(UnsafeRawBufferPointer(rebasing: bytes[start..<end]))
        start = end
      }
    }
    let digest = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
    #expect(fromSlices.finalize().hex == digest)
    #expect(fromBuffers.finalize().hex == digest)
  }

  /// A copied hasher is independent of the original (the OpenSSL context is copied on write): both continue from
  /// the state at the copy, and finishing one leaves the other untouched.
  @Test func copiesAreIndependent() {
    let head = Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".prefix(20).utf8)
    let tailA = Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".dropFirst(20).utf8)
    let tailB = Array("bc".utf8)
    var original = SHA256()
    original.update(head)
    var copy = original
    copy.update(tailA)
    let unchanged = original
    original.update(tailB)
    #expect(copy.finalize().hex == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    #expect(original.finalize().hex == SHA256.hex(of: head + tailB))
    var again = unchanged
    #expect(again.finalize().hex == SHA256.hex(of: head))
  }

  /// `finalize()` starts a new, empty message.
  @Test func finalizeStartsANewMessage() {
    var hasher = SHA256()
    hasher.update(Array("xyz".utf8))
    _ = hasher.finalize()
    #expect(hasher.finalize().hex == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    hasher.update(Array("abc".utf8))
    #expect(hasher.finalize().hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
  }

  /// Copies of one hasher finished on different threads agree (a shared context is only read, then duplicated).
  @Test func copiesCanBeFinishedConcurrently() async {
    var base = SHA256()
    base.update([UInt8](repeating: 0x61, count: 500_000))
    let shared = base
    let digests = await withTaskGroup(of: String.self) { group in
      for _ in 0..<8 {
        group.addTask {
          var hasher = shared
          hasher.update([UInt8](repeating: 0x61, count: 500_000))
          return hasher.finalize().hex
        }
      }
      var all: [String] = []
      for await digest in group { all.append(digest) }
      return all
    }
    #expect(digests == Array(repeating: "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0", count: 8))
  }

  /// Lengths around the padding boundary (55/56 bytes leave room for the length or not) match reference digests.
  @Test(arguments: [
    (55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"),
    (56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"),
    (64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"),
  ])
  func padsAroundTheBlockBoundary(length: Int, digest: String) {
    #expect(SHA256.hex(of: [UInt8](repeating: 0x61, count: length)) == digest)
  }
}

/// A small deterministic generator, so a failure can be reproduced from its seed.
private struct SplitMix64 {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9e37_79b9_7f4a_7c15
    var z = state
    z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
    z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
    return z ^ (z >> 31)
  }
}
