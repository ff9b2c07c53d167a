import ArgumentParser
import Foundation
import StratifyCore

/// Runs a command body and turns a `StratifyError` into its one-line message on stderr and its documented
/// exit code; any other error exits 1.
func reportingErrors(_ body: () throws -> Void) throws {
  do {
    try body()
  } catch let error as StratifyError {
    FileHandle.standardError.write(Data("stratify: error: \(error.description)\n".utf8))
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
