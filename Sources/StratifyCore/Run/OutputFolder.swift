import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// The output folder of a nightly run and its atomic publishing:
/// ```
/// <output>/runs/<as-of>/…   latest -> runs/<as-of>   history.sqlite   stratify.lock   .staging-<as-of>.<pid>/
/// ```
/// A run writes into a staging folder beside `runs/`, fsyncs it, and swaps it into `runs/<as-of>` with one
/// atomic rename (RENAME_EXCHANGE when a run of that date exists), then points `latest` at it with another.
/// Killed at any instant, the previous `runs/<as-of>` and `latest` are intact; leftovers are cleaned next time.
public struct OutputFolder: Sendable {
  public let root: String

  public static let folderPermissions: mode_t = 0o750
  public static let filePermissions = 0o640

  public init(root: String) { self.root = root }

  public var runsPath: String { root + "/runs" }
  public var latestPath: String { root + "/latest" }
  public var lockPath: String { root + "/stratify.lock" }
  public var historyPath: String { root + "/history.sqlite" }
  public func runPath(_ asOf: Day) -> String { runsPath + "/" + asOf.description }

  /// Creates `<output>` and `<output>/runs` (0750).
  public func prepare() throws {
    for path in [root, runsPath] {
      do {
        try FileManager.default.createDirectory(
          atPath: path, withIntermediateDirectories: true,
          attributes: [.posixPermissions: Int(Self.folderPermissions)])
      } catch {
        throw RunError.cannotWrite(path: path, reason: Self.reason(error))
      }
    }
  }

  /// Removes staging and swap leftovers of runs that were killed (call with the lock held).
  public func removeLeftovers() {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
    for name in names
    where name.hasPrefix(".staging-") || name.hasPrefix(".retired-") || name.hasPrefix(".latest-")
      || name.hasPrefix(".paused-")
    {
      try? FileManager.default.removeItem(atPath: root + "/" + name)
    }
  }

  /// A fresh staging folder for `asOf`.
  public func makeStaging(_ asOf: Day) throws -> String {
    let path = root + "/.staging-\(asOf).\(getpid())"
    try? FileManager.default.removeItem(atPath: path)
    guard mkdir(path, Self.folderPermissions) == 0 else {
      throw RunError.cannotWrite(path: path, reason: String(cString: strerror(errno)))
    }
    chmod(path, Self.folderPermissions)
    return path
  }

  /// Moves a complete staging folder into `runs/<as-of>` and points `latest` at it; both steps are atomic renames.
  public func publish(staging: String, asOf: Day) throws {
    try Self.fsyncTree(staging)
    let target = runPath(asOf)
    if FileManager.default.fileExists(atPath: target) {
      // Swap the new run in and the old one out in one step, then drop the old one.
      if Self.exchange(staging, target) {
        try? FileManager.default.removeItem(atPath: staging)
      } else {
        let retired = root + "/.retired-\(asOf).\(getpid())"
        try Self.rename(target, retired)
        try Self.rename(staging, target)
        try? FileManager.default.removeItem(atPath: retired)
      }
    } else {
      try Self.rename(staging, target)
    }
    Self.fsyncPath(runsPath)
    let temporaryLink = root + "/.latest-\(getpid())"
    try? FileManager.default.removeItem(atPath: temporaryLink)
    guard symlink("runs/\(asOf)", temporaryLink) == 0 else {
      throw RunError.cannotWrite(path: latestPath, reason: String(cString: strerror(errno)))
    }
    try Self.rename(temporaryLink, latestPath)
    Self.fsyncPath(root)
  }

  /// The published runs, oldest first.
  public func publishedRuns() -> [Day] {
    ((try? FileManager.default.contentsOfDirectory(atPath: runsPath)) ?? []).compactMap { name in
      name.utf8.count == 10 ? Day(iso: name) : nil
    }.sorted()
  }

  /// Keeps the newest `keep` runs (never the one `latest` points at).
  public func prune(keep: Int, current: Day) {
    let runs = publishedRuns()
    guard runs.count > keep else { return }
    for day in runs.dropLast(keep) where day != current {
      try? FileManager.default.removeItem(atPath: runPath(day))
    }
  }

  static func rename(_ from: String, _ to: String) throws {
    guard Glibc.rename(from, to) == 0 else {
      throw RunError.cannotWrite(path: to, reason: String(cString: strerror(errno)))
    }
  }

  private typealias Renameat2 =
    @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32

  /// Atomically exchanges two paths with renameat2(RENAME_EXCHANGE); false when the system cannot.
  static func exchange(_ a: String, _ b: String) -> Bool {
    guard let symbol = dlsym(nil, "renameat2") else { return false }
    let renameat2 = unsafeBitCast(symbol, to: Renameat2.self)
    let renameExchange: UInt32 = 1 << 1
    return renameat2(AT_FDCWD, a, AT_FDCWD, b, renameExchange) == 0
  }

  /// fsyncs every file of a folder and the folder itself, so a published run survives a power cut. The staging
  /// files are written without an fsync each (`OutputFile`); this is where they reach the disk, all before the rename.
  /// The fsyncs are issued from several threads at once: each one mostly waits for the disk (a few ms apiece, for
  /// two hundred files), and the file system commits concurrent ones together.
  static func fsyncTree(_ path: String) throws {
    var paths: [String] = []
    if let enumerator = FileManager.default.enumerator(atPath: path) {
      for case let name as String in enumerator { paths.append(path + "/" + name) }
    }
    let workers = min(16, paths.count)
    if workers > 1 {
      let group = DispatchGroup()
      for w in 0..<workers {
        group.enter()
        let mine = Array(stride(from: w, to: paths.count, by: workers).map { paths[$0] })
        Thread {
          for p in mine { fsyncPath(p) }
          group.leave()
        }.start()
      }
      group.wait()
    } else {
      for p in paths { fsyncPath(p) }
    }
    fsyncPath(path)
  }

  static func fsyncPath(_ path: String) {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return }
    fsync(fd)
    close(fd)
  }

  static func reason(_ error: Error) -> String {
    if let e = error as? CocoaError, let underlying = e.userInfo[NSUnderlyingErrorKey] as? NSError {
      return String(cString: strerror(Int32(underlying.code)))
    }
    return "\(error.localizedDescription)"
  }
}
