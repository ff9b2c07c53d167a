/// SHA-256 (FIPS 180-4), written here so the manifest can fingerprint the extracts while they stream through the
/// reader, without a crypto dependency (swift-crypto would pull BoringSSL into the build for one digest).
///
/// Incremental: `update(_:)` any number of times, then `finalize()` once. Whole 64-byte blocks are compressed
/// straight from the caller's buffer; only an incomplete tail is copied, into a fixed 64-byte buffer held inline,
/// so hashing allocates nothing per block or per call.
public struct SHA256: Sendable {
  private var state: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) = (
    0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19
  )
  /// Bytes of an incomplete block waiting for more input: the first `pendingCount` bytes of this storage.
  private var pending: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
  private var pendingCount = 0
  private var totalBytes: UInt64 = 0

  public init() {}

  /// The lowercase hex digest of `bytes`.
  public static func hex(of bytes: some Collection<UInt8>) -> String {
    var hasher = SHA256()
    hasher.update(bytes)
    return hasher.finalize().hex
  }

  /// Adds bytes to the message.
  public mutating func update(_ bytes: some Collection<UInt8>) {
    let done: Void? = bytes.withContiguousStorageIfAvailable { update(UnsafeRawBufferPointer($0)) }
    if done == nil {
      let copy = Array(bytes)
      copy.withUnsafeBytes { update($0) }
    }
  }

  /// Adds bytes to the message; the fast path the CSV reader uses for each block it reads.
  public mutating func update(_ bytes: UnsafeRawBufferPointer) {
    guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
    totalBytes &+= UInt64(bytes.count)
    var offset = 0
    if pendingCount > 0 {
      let take = min(64 - pendingCount, bytes.count)
      let filled = pendingCount
      withUnsafeMutableBytes(of: &pending) {
        ($0.baseAddress! + filled).copyMemory(from: source, byteCount: take)
      }
      pendingCount += take
      offset = take
      guard pendingCount == 64 else { return }
      var block = pending
      withUnsafeBytes(of: &block) { compress(blocks: $0) }
      pendingCount = 0
    }
    let wholeBlocks = (bytes.count - offset) & ~63
    if wholeBlocks > 0 {
      compress(blocks: UnsafeRawBufferPointer(start: source + offset, count: wholeBlocks))
      offset += wholeBlocks
    }
    let rest = bytes.count - offset
    if rest > 0 {
      withUnsafeMutableBytes(of: &pending) { $0.baseAddress!.copyMemory(from: source + offset, byteCount: rest) }
      pendingCount = rest
    }
  }

  /// Pads the message and returns the 32-byte digest.
  public mutating func finalize() -> Digest {
    let bitLength = totalBytes &* 8
    // The tail, 0x80, zeros, and the 64-bit length: one block, or two when the tail leaves fewer than 9 bytes.
    let tailBytes = pendingCount + 9 <= 64 ? 64 : 128
    let count = pendingCount
    var pendingCopy = pending
    withUnsafeTemporaryAllocation(byteCount: 128, alignment: 8) { tail in
      tail.initializeMemory(as: UInt8.self, repeating: 0)
      withUnsafeBytes(of: &pendingCopy) { tail.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: count) }
      tail[count] = 0x80
      tail.storeBytes(of: bitLength.bigEndian, toByteOffset: tailBytes - 8, as: UInt64.self)
      compress(blocks: UnsafeRawBufferPointer(rebasing: tail[0..<tailBytes]))
    }
    pendingCount = 0
    var out: [UInt8] = []
    out.reserveCapacity(32)
    for word in [state.0, state.1, state.2, state.3, state.4, state.5, state.6, state.7] {
      out.append(UInt8(truncatingIfNeeded: word >> 24))
      out.append(UInt8(truncatingIfNeeded: word >> 16))
      out.append(UInt8(truncatingIfNeeded: word >> 8))
      out.append(UInt8(truncatingIfNeeded: word))
    }
    return Digest(bytes: out)
  }

  /// A finished digest.
  public struct Digest: Sendable, Equatable {
    public let bytes: [UInt8]

    /// Lowercase hexadecimal, 64 characters.
    public var hex: String {
      let digits = Array("0123456789abcdef".utf8)
      var text: [UInt8] = []
      text.reserveCapacity(64)
      for byte in bytes {
        text.append(digits[Int(byte >> 4)])
        text.append(digits[Int(byte & 0x0F)])
      }
      return String(decoding: text, as: UTF8.self)
    }
  }

  private static let k: [UInt32] = [
    0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b, 0x59f1_11f1, 0x923f_82a4, 0xab1c_5ed5,
    0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe, 0x9bdc_06a7, 0xc19b_f174,
    0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc, 0x2de9_2c6f, 0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da,
    0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7, 0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967,
    0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc, 0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85,
    0xa2bf_e8a1, 0xa81a_664b, 0xc24b_8b70, 0xc76c_51a3, 0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070,
    0x19a4_c116, 0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3,
    0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208, 0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7, 0xc671_78f2,
  ]

  /// Runs the compression function over whole 64-byte blocks. The message schedule lives in one stack buffer for
  /// the whole call; the working variables stay in locals, eight rounds unrolled so that the variables rotate by
  /// name instead of being moved.
  private mutating func compress(blocks: UnsafeRawBufferPointer) {
    precondition(blocks.count % 64 == 0)
    var (h0, h1, h2, h3, h4, h5, h6, h7) = state
    SHA256.k.withUnsafeBufferPointer { kBuffer in
      withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { wBuffer in
        let k = kBuffer.baseAddress!
        let w = wBuffer.baseAddress!
        var block = blocks.baseAddress!
        let end = block + blocks.count
        while block < end {
          for t in 0..<16 {
            w[t] = UInt32(bigEndian: block.loadUnaligned(fromByteOffset: t &* 4, as: UInt32.self))
          }
          for t in 16..<64 {
            let x = w[t &- 15]
            let y = w[t &- 2]
            let s0 = rotr(x, 7) ^ rotr(x, 18) ^ (x &>> 3)
            let s1 = rotr(y, 17) ^ rotr(y, 19) ^ (y &>> 10)
            w[t] = w[t &- 16] &+ s0 &+ w[t &- 7] &+ s1
          }
          var (a, b, c, d, e, f, g, h) = (h0, h1, h2, h3, h4, h5, h6, h7)
          var t = 0
          while t < 64 {
            sha256Round(a, b, c, &d, e, f, g, &h, k[t] &+ w[t])
            sha256Round(h, a, b, &c, d, e, f, &g, k[t &+ 1] &+ w[t &+ 1])
            sha256Round(g, h, a, &b, c, d, e, &f, k[t &+ 2] &+ w[t &+ 2])
            sha256Round(f, g, h, &a, b, c, d, &e, k[t &+ 3] &+ w[t &+ 3])
            sha256Round(e, f, g, &h, a, b, c, &d, k[t &+ 4] &+ w[t &+ 4])
            sha256Round(d, e, f, &g, h, a, b, &c, k[t &+ 5] &+ w[t &+ 5])
            sha256Round(c, d, e, &f, g, h, a, &b, k[t &+ 6] &+ w[t &+ 6])
            sha256Round(b, c, d, &e, f, g, h, &a, k[t &+ 7] &+ w[t &+ 7])
            t &+= 8
          }
          h0 &+= a; h1 &+= b; h2 &+= c; h3 &+= d
          h4 &+= e; h5 &+= f; h6 &+= g; h7 &+= h
          block += 64
        }
      }
    }
    state = (h0, h1, h2, h3, h4, h5, h6, h7)
  }
}

/// One SHA-256 round: `d` becomes `d + T1` (the next `e`) and `h` becomes `T1 + T2` (the next `a`); the caller
/// renames the variables for the next round.
@inline(__always)
private func sha256Round(
  _ a: UInt32, _ b: UInt32, _ c: UInt32, _ d: inout UInt32, _ e: UInt32, _ f: UInt32, _ g: UInt32,
  _ h: inout UInt32, _ kw: UInt32
) {
  let s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)
  let ch = g ^ (e & (f ^ g))
  let t1 = h &+ s1 &+ ch &+ kw
  let s0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)
  let maj = (a & b) | (c & (a | b))
  d &+= t1
  h = t1 &+ s0 &+ maj
}

@inline(__always) private func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { (x &>> n) | (x &<< (32 &- n)) }
