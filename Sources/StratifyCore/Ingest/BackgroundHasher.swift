import Dispatch

/// Computes a file's SHA-256 on a background queue while the reader parses the same blocks, so fingerprinting
/// a large extract costs no extra time on the parsing thread. Blocks are hashed in the order they are given.
final class BackgroundHasher: @unchecked Sendable {
  /// The only place `hasher` is touched, which is what makes the class safe to share.
  private let queue = DispatchQueue(label: "stratify.ingest.sha256")
  private var hasher = SHA256()

  /// A block of bytes handed to the queue; the caller keeps it alive and unchanged until `done` is left.
  private struct Block: @unchecked Sendable {
    let bytes: UnsafeRawBufferPointer
  }

  /// Hashes `bytes` later; `done` is entered now and left when the bytes are no longer needed.
  func update(_ bytes: UnsafeRawBufferPointer, done: DispatchGroup) {
    let block = Block(bytes: bytes)
    done.enter()
    queue.async {
      self.hasher.update(block.bytes)
      done.leave()
    }
  }

  /// The lowercase hex digest of everything given so far (waits for pending blocks).
  func finalize() -> String {
    queue.sync { hasher.finalize().hex }
  }
}
