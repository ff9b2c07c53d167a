import Dispatch
import Foundation
import Logging

/// Reads the three extracts into an `IngestResult`: patients first (the directory the other two refer to), then
/// utilization and discharges side by side, each on its own thread (utilization itself cut into chunks parsed in
/// parallel, `IngestOptions.chunkCount`), merged in contract order so the result is
/// the same as reading them one after the other.
public enum ExtractLoader {
  /// Reads and checks all three extracts.
  ///
  /// - Parameter enforcingThreshold: when true (the safe default), a reject share over
  ///   `options.rejectThreshold` throws `IngestError.rejectThresholdExceeded`. Pass false to print the
  ///   data-quality summary and write the rejects first, then call `IngestResult.enforceRejectThreshold()`.
  /// - Throws: `IngestError` for a missing (66), empty or unreadable file, a missing required column, an
  ///   unterminated quote, or a patients.csv without data rows (65).
  public static func load(
    _ paths: InputPaths, options: IngestOptions = IngestOptions(), logger: Logger, enforcingThreshold: Bool = true
  ) throws -> IngestResult {
    // Fail on a missing file before spending time on the others.
    for kind in ExtractKind.allCases where !FileManager.default.fileExists(atPath: paths[kind]) {
      throw IngestError.fileMissing(file: kind.fileName, path: paths[kind])
    }

    let ((patientParser, directory), patientOutcome) = try timed(.patients, logger) {
      var (parser, outcome) = try ExtractFile.readChunked(
        .patients, path: paths.patients, mapping: options.mapping(for: .patients), blockSize: options.blockSize,
        chunkCount: options.chunkCount, progress: options.progress
      ) { PatientRowParser(binding: $0) }
      let (directory, duplicates) = parser.finish()
      outcome.add(duplicates)
      return ((parser, directory), outcome)
    }
    if patientOutcome.summary.rowsRead == 0 {
      throw IngestError.noDataRows(file: ExtractKind.patients.fileName, path: paths.patients)
    }
    let patientCount = patientParser.patients.count

    let utilizationSlot = ResultSlot<((GroupedRows<UtilizationEvent>, [EventTally]), ExtractFileOutcome)>()
    let dischargeSlot = ResultSlot<(GroupedRows<DischargeRecord>, ExtractFileOutcome)>()
    DispatchQueue.concurrentPerform(iterations: 2) { job in
      if job == 0 {
        utilizationSlot.set(
          Result {
            try timed(.utilization, logger) {
              let stored = options.storedColumns
              let (parser, outcome) = try ExtractFile.readChunked(
                .utilization, path: paths.utilization, mapping: options.mapping(for: .utilization),
                blockSize: options.blockSize, chunkCount: options.chunkCount, progress: options.progress
              ) {
                UtilizationRowParser(
                  binding: $0, directory: directory, patientCount: patientCount, stored: stored,
                  retention: options.eventRetention, tallyWindow: options.tallyWindow)
              }
              let rows = GroupedRows(patientCount: patientCount, patients: parser.owners, rows: parser.events)
              return ((rows, parser.tallies), outcome)
            }
          })
      } else {
        dischargeSlot.set(
          Result {
            try timed(.discharges, logger) {
              let (parser, outcome) = try ExtractFile.read(
                .discharges, path: paths.discharges, mapping: options.mapping(for: .discharges),
                blockSize: options.blockSize, progress: options.progress
              ) { DischargeRowParser(binding: $0, directory: directory, stored: options.storedColumns) }
              return (GroupedRows(patientCount: patientCount, patients: parser.owners, rows: parser.stays), outcome)
            }
          })
      }
    }
    // In contract order, so that with two broken files the error is the same as a sequential read would give.
    var ((utilization, tallies), utilizationOutcome) = try utilizationSlot.take().get()
    let (discharges, dischargeOutcome) = try dischargeSlot.take().get()
    if let followUp = options.dischargeFollowUp {
      utilization.removeAll { p, row in
        followUp.everyone.keeps(row.type, row.date)
          || discharges[p].contains { followUp.discharged.contains($0.dischargeDate) }
      }
    }

    let outcomes = [patientOutcome, utilizationOutcome, dischargeOutcome]
    let result = IngestResult(
      patients: patientParser.patients, directory: directory, utilization: utilization,
      eventTallies: options.tallyWindow == nil
        ? nil : tallies.isEmpty ? Array(repeating: EventTally(), count: patientCount) : tallies,
      discharges: discharges, rejects: outcomes.flatMap(\.rejects),
      quality: DataQualityReport(outcomes: outcomes, rejectThreshold: options.rejectThreshold),
      inputs: outcomes.map(\.summary))
    if enforcingThreshold { try result.enforceRejectThreshold() }
    return result
  }

  /// Runs one file's read and logs one line of counts and timing (never row contents).
  private static func timed<T>(
    _ kind: ExtractKind, _ logger: Logger, _ body: () throws -> (T, ExtractFileOutcome)
  ) throws -> (T, ExtractFileOutcome) {
    let clock = ContinuousClock()
    let start = clock.now
    let value = try body()
    let elapsed = clock.now - start
    let s = value.1.summary
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    logger.info(
      "read \(s.file): \(s.rowsRead) rows, \(s.rowsAccepted) accepted, \(s.rowsRejected) rejected",
      metadata: [
        "file": "\(s.file)", "bytes": "\(s.byteCount)", "seconds": "\(String(format: "%.3f", seconds))",
        "unknown_columns": "\(s.unknownColumns.count)",
      ])
    return value
  }
}

extension DataQualityReport {
  init(outcomes: [ExtractFileOutcome], rejectThreshold: Double) {
    self.init(
      files: outcomes.map { outcome in
        var counts: [RejectCategory: Int] = [:]
        for reject in outcome.rejects { counts[reject.category, default: 0] += 1 }
        return FileQuality(
          file: outcome.summary.file, rowsRead: outcome.summary.rowsRead, rowsAccepted: outcome.summary.rowsAccepted,
          rowsRejected: outcome.summary.rowsRejected,
          rejectsByCategory: RejectCategory.allCases.compactMap { c in
            counts[c].map { CategoryCount(category: c, count: $0) }
          },
          unknownColumns: outcome.summary.unknownColumns)
      },
      rejectThreshold: rejectThreshold)
  }
}

extension ExtractFileOutcome {
  /// Adds rejects found after the rows were read (duplicate patients), keeping the list in line order.
  mutating func add(_ more: [Reject]) {
    guard !more.isEmpty else { return }
    rejects = (rejects + more).sorted { $0.line < $1.line }
    summary.rowsRejected = rejects.count
    summary.rowsAccepted = summary.rowsRead - rejects.count
  }
}

/// Hands one value from a worker thread back to the caller; the lock makes the hand-over safe under strict
/// concurrency.
private final class ResultSlot<Value>: @unchecked Sendable {
  private let lock = NSLock()
  private var value: Result<Value, Error>?

  func set(_ result: Result<Value, Error>) {
    lock.lock()
    value = result
    lock.unlock()
  }

  /// The value, no longer held here (so that the caller's copy is the only one).
  func take() -> Result<Value, Error> {
    lock.lock()
    defer {
      value = nil
      lock.unlock()
    }
    return value!
  }
}
