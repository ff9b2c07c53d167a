import Foundation
import StratifyCore

/// The progress line of long stages, shown only when stderr is a terminal (never in cron's logs): one line per
/// file, rewritten in place every 5%.
final class TerminalProgress: @unchecked Sendable {
  private let lock = NSLock()
  private var shown: [String: Int] = [:]

  /// A progress callback for ingest, or nil when stderr is not a terminal or the run is quiet.
  static func forIngest(quiet: Bool) -> (@Sendable (String, Int, Int) -> Void)? {
    guard !quiet, isatty(STDERR_FILENO) == 1 else { return nil }
    let progress = TerminalProgress()
    return { file, read, total in progress.report(file, read, total) }
  }

  func report(_ file: String, _ read: Int, _ total: Int) {
    guard total > 0 else { return }
    let percent = min(100, read * 100 / total)
    lock.lock()
    defer { lock.unlock() }
    let last = shown[file] ?? -5
    guard percent >= last + 5 || (percent == 100 && last != 100) else { return }
    shown[file] = percent
    let line = "\r\u{1B}[Kreading \(file): \(percent)% of \(total / 1_048_576 + 1) MB" + (percent == 100 ? "\n" : "")
    FileHandle.standardError.write(Data(line.utf8))
  }
}
