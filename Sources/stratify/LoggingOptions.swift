import ArgumentParser
import Foundation
import Logging
import StratifyCore

/// `--quiet` / `--verbose`, and the one place that bootstraps swift-log (stderr, one line per event).
struct LoggingOptions: ParsableArguments {
  @Flag(name: .shortAndLong, help: "Only warnings and errors on stderr.") var quiet = false
  @Flag(name: .shortAndLong, help: "Debug detail on stderr.") var verbose = false

  func makeLogger(label: String = "stratify") -> Logger {
    let level: Logger.Level = quiet ? .warning : verbose ? .debug : .info
    LoggingSystem.bootstrap { name in
      var handler = StreamLogHandler.standardError(label: name)
      handler.logLevel = level
      return handler
    }
    var logger = Logger(label: label)
    logger.logLevel = level
    return logger
  }
}

/// Today's date in the local time zone: decided here, in the executable, never inside the library.
func today() -> Day {
  let c = Calendar.current.dateComponents([.year, .month, .day], from: Date())
  return Day(year: c.year!, month: c.month!, day: c.day!)!
}
