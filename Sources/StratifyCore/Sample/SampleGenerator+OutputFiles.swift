import Foundation

extension SampleGenerator {
  /// patients.csv, utilization.csv and discharges.csv, written on one background thread while the next chunks are
  /// generated. Chunks are appended in the order they are submitted, and at most one batch waits to be written, so
  /// memory stays bounded.
  final class OutputFiles: @unchecked Sendable {
    // Safe to share: after `init`, the writers and `failure` are touched only on `queue`, and `failure` is read
    // only after `inFlight.wait()`, which orders it after the write that set it.
    private let writers: [CSVWriter]
    private let queue = DispatchQueue(label: "stratify.sample.output")
    private let inFlight = DispatchGroup()
    private var failure: (any Error)?

    /// Creates the three files in `directory` and writes their headers.
    init(directory: String) throws {
      let files: [(name: String, header: [String])] = [
        ("patients.csv", SampleGenerator.patientsHeader), ("utilization.csv", SampleGenerator.utilizationHeader),
        ("discharges.csv", SampleGenerator.dischargesHeader),
      ]
      writers = try files.map { file in
        let path = (directory as NSString).appendingPathComponent(file.name)
        do {
          let writer = try CSVWriter(path: path, permissions: 0o644)
          try writer.writeRow(file.header)
          return writer
        } catch {
          throw SampleError.cannotWrite(path: path, reason: "\(error)")
        }
      }
    }

    /// Queues `chunks` to be appended, after waiting for the previous batch; rethrows its write error if any.
    func submit(_ chunks: [ChunkEncoder]) throws {
      inFlight.wait()
      if let failure { throw failure }
      inFlight.enter()
      queue.async { [self] in
        defer { inFlight.leave() }
        do {
          for chunk in chunks {
            try writers[0].append(rowsOf: chunk.patients)
            try writers[1].append(rowsOf: chunk.utilization)
            try writers[2].append(rowsOf: chunk.discharges)
          }
        } catch {
          failure = error
        }
      }
    }

    /// Waits for the last batch, then flushes and closes the files.
    func close() throws {
      inFlight.wait()
      if let failure { throw failure }
      for writer in writers { try writer.close() }
    }
  }
}
