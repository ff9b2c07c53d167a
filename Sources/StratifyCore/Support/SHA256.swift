import CLibCrypto

/// SHA-256 (FIPS 180-4), for the manifest's fingerprint of the extracts as they stream through the reader.
///
/// The digest is the system OpenSSL 3's libcrypto (EVP API, Debian's libssl-dev): it uses the CPU's SHA
/// extensions (SHA-NI) where present and hashes about 1.6 GB/s, several times the ~250 MB/s of the portable Swift
/// implementation this replaced, which cost seconds of CPU on gigabyte extracts. It is the distribution's OpenSSL,
/// widely used and patched by the distribution, and adds no package to the build (swift-crypto would compile
/// BoringSSL into it for one digest).
///
/// Incremental: `update(_:)` any number of times, then `finalize()`, which also starts a new, empty message.
/// The OpenSSL context lives in a reference-counted box; a copy of a `SHA256` value shares it until either copy
/// changes, which first duplicates the context (copy-on-write), so values behave like any other Swift value and
/// can be handed between threads.
public struct SHA256: Sendable {
  private var context = Context()

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
    makeContextUnique()
    guard EVP_DigestUpdate(context.pointer, source, bytes.count) == 1 else {
      fatalError("OpenSSL EVP_DigestUpdate failed for SHA-256")
    }
  }

  /// Returns the 32-byte digest of the message, and starts a new, empty message.
  public mutating func finalize() -> Digest {
    makeContextUnique()
    let bytes = [UInt8](unsafeUninitializedCapacity: 32) { buffer, count in
      var length: UInt32 = 0
      guard EVP_DigestFinal_ex(context.pointer, buffer.baseAddress, &length) == 1, length == 32 else {
        fatalError("OpenSSL EVP_DigestFinal_ex failed for SHA-256")
      }
      count = 32
    }
    context.reset()
    return Digest(bytes: bytes)
  }

  private mutating func makeContextUnique() {
    if !isKnownUniquelyReferenced(&context) { context = Context(copying: context) }
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

  /// Owns one `EVP_MD_CTX` set up for SHA-256, freed with the box. `@unchecked Sendable`: `SHA256` changes the
  /// context only through a box it holds the only reference to (`makeContextUnique`), so a box reachable from
  /// more than one value, or thread, is only read (copied from).
  private final class Context: @unchecked Sendable {
    let pointer: OpaquePointer

    init() {
      guard let pointer = EVP_MD_CTX_new() else { fatalError("OpenSSL EVP_MD_CTX_new failed") }
      self.pointer = pointer
      reset()
    }

    init(copying other: Context) {
      guard let pointer = EVP_MD_CTX_new() else { fatalError("OpenSSL EVP_MD_CTX_new failed") }
      self.pointer = pointer
      guard EVP_MD_CTX_copy_ex(pointer, other.pointer) == 1 else {
        fatalError("OpenSSL EVP_MD_CTX_copy_ex failed for SHA-256")
      }
    }

    /// Starts a new message.
    func reset() {
      guard EVP_DigestInit_ex(pointer, EVP_sha256(), nil) == 1 else {
        fatalError("OpenSSL EVP_DigestInit_ex failed for SHA-256 (is libcrypto's default provider available?)")
      }
    }

    deinit { EVP_MD_CTX_free(pointer) }
  }
}
