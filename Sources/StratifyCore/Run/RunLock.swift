import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// An exclusive `flock` on `<output>/stratify.lock`, held for the whole run and released by the kernel when the
/// process ends, even by kill -9, so a crashed run never blocks the next night.
public final class RunLock {
  public let path: String
  private let fd: Int32

  /// Takes the lock or throws `RunError.locked` at once (no waiting: cron must not pile up runs).
  public init(path: String) throws {
    self.path = path
    let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o640)
    guard fd >= 0 else { throw RunError.cannotWrite(path: path, reason: String(cString: strerror(errno))) }
    guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
      let code = errno
      close(fd)
      if code == EWOULDBLOCK { throw RunError.locked(path: path) }
      throw RunError.cannotWrite(path: path, reason: String(cString: strerror(code)))
    }
    self.fd = fd
    // The holder's pid helps an operator; the lock itself is the flock, not the file's content.
    let pid = "\(getpid())\n"
    _ = ftruncate(fd, 0)
    _ = pid.withCString { write(fd, $0, strlen($0)) }
  }

  deinit {
    flock(fd, LOCK_UN)
    close(fd)
  }
}
