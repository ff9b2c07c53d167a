import Foundation
import Logging

/// Reads the three extracts into an `IngestResult`: patients first (the directory the other two refer to), then
/// discharges and utilization, each cut into chunks parsed on all cores (`IngestOptions.chunkCount`) and merged in
/// file order, so the result is the same as reading them one after the other.
public enum ExtractLoader {
  /// Reads and checks all three extracts.
  ///
  /// - Parameter enforcingThreshold: when true (the safe default), a reject share over
  ///   `options.rejectThreshold` throws `IngestError.rejectThresholdExceeded`. Pass false to print the
  ///   data-quality summary and write the rejects first, then call `IngestResult.enforceRejectThreshold()`.
  /// - Parameter patientsRead: called (on the calling thread) once patients.csv is read and has data rows, before
  ///   the other two files are read, with the accepted patients' positions by id: a caller can start work that
  ///   needs only those beside the rest of the read.
  /// - Throws: `IngestError` for a missing (66), empty or unreadable file, a missing required column, an
  ///   unterminated quote, or a patients.csv without data rows (65).
  public static func load(
    _ paths: InputPaths, options: IngestOptions = IngestOptions(), logger: Logger, enforcingThreshold: Bool = true,
    patientsRead: ((PatientLookup) -> Void)? = nil
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
    patientsRead?(PatientLookup(directory: directory))

    // discharges.csv first (small, on every core): the report's follow-up rows are stored only for the patients it
    // shows discharged in the report's window. A broken discharges.csv is reported after a broken utilization.csv,
    // as a read in contract order would.
    let dischargeResult = Result {
      try timed(.discharges, logger) {
        var (parser, outcome) = try ExtractFile.readChunked(
          .discharges, path: paths.discharges, mapping: options.mapping(for: .discharges),
          blockSize: options.blockSize, chunkCount: options.chunkCount, progress: options.progress
        ) { DischargeRowParser(binding: $0, directory: directory, stored: options.storedColumns) }
        outcome.add(parser.removeRepeatedEncounters())
        return (GroupedRows(patientCount: patientCount, patients: parser.owners, rows: parser.stays), outcome)
      }
    }
    let followUp: UtilizationRowParser.FollowUp? = {
      guard let window = options.dischargeFollowUp, case .success(let (stays, _)) = dischargeResult else { return nil }
      return UtilizationRowParser.FollowUp(
        everyone: window.everyone,
        discharged: (0..<patientCount).map { p in stays[p].contains { window.discharged.contains($0.dischargeDate) } })
    }()
    let ((utilization, tallies), utilizationOutcome) = try timed(.utilization, logger) {
      let stored = options.storedColumns
      let (parser, outcome) = try ExtractFile.readChunked(
        .utilization, path: paths.utilization, mapping: options.mapping(for: .utilization),
        blockSize: options.blockSize, chunkCount: options.chunkCount, progress: options.progress
      ) {
        UtilizationRowParser(
          binding: $0, directory: directory, patientCount: patientCount, stored: stored,
          retention: options.eventRetention, followUp: followUp, tallyWindow: options.tallyWindow)
      }
      let rows = GroupedRows(patientCount: patientCount, patients: parser.owners, rows: parser.events)
      return ((rows, parser.tallies), outcome)
    }
    let (discharges, dischargeOutcome) = try dischargeResult.get()

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
    if let warning = s.multiLineRecords.warning(file: s.file) { logger.warning("\(warning)") }
    // patients.csv without rows stops the run; an event file without rows is possible (a new practice) but far more
    // often a feed that broke, and it silently zeroes every feature read from it.
    if s.rowsRead == 0, kind != .patients {
      logger.warning(
        "\(s.file) has a header but no data rows: tonight every rule reading it sees nothing; check the extract job",
        metadata: ["file": "\(s.file)"])
    }
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
          unknownColumns: outcome.summary.unknownColumns, multiLineRecords: outcome.summary.multiLineRecords)
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
