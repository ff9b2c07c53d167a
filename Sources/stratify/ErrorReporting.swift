import ArgumentParser
import Foundation
import StratifyCore

/// Runs a command body and turns a `StratifyError` into its one-line message on stderr and its documented
/// exit code; any other error exits 1.
func reportingErrors(_ body: () throws -> Void) throws {
  do {
    try body()
  } catch let error as StratifyError {
    // Diagnostics that already read `file:line:col: error: …` are printed as they are, like a compiler's.
    let text = error.description
    let firstLine = text.prefix { $0 != "\n" }
    let message = firstLine.contains(": error: ") ? text : "stratify: error: \(text)"
    FileHandle.standardError.write(Data((message + "\n").utf8))
    throw ExitCode(error.exitStatus.rawValue)
  } catch let error as ExitCode {
    throw error
  } catch let error as CleanExit {
    throw error
  } catch {
    FileHandle.standardError.write(Data("stratify: error: \(error)\n".utf8))
    throw ExitCode(ExitStatus.failure.rawValue)
  }
}
