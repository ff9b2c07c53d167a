import Foundation

/// Generates a synthetic adult primary-care panel as the three nightly extracts of DATA_CONTRACT.md: patients.csv,
/// utilization.csv (about `eventsPerPatient` rows per patient) and discharges.csv (about 0.3 stays per patient).
///
/// Deterministic: every patient draws from its own stream of a seeded xoshiro256** generator, so the same options
/// give byte-identical files whatever the thread timing. Patients are generated in chunks on all cores and the
/// chunks written in order, streaming: memory stays flat however many patients are asked for.
public struct SampleGenerator: Sendable {
  public let options: SampleOptions
  let tables: Tables
  let calibration: Calibration
  /// Digits of the patient number in ids (`P0000001`): at least 7.
  let idWidth: Int

  /// Patients per chunk: large enough to amortize the hand-off, small enough to keep a window of chunks in memory.
  static let chunkSize = 4096

  static let patientsHeader = [
    "patient_id", "first_name", "last_name", "birth_date", "sex", "phone", "practice_id", "pcp_id",
    "case_manager_id", "payer", "conditions", "medication_count", "social_needs", "hospice", "deceased_date",
  ]
  static let utilizationHeader = ["patient_id", "event_date", "event_type", "provider_id", "primary_dx"]
  static let dischargesHeader = [
    "patient_id", "encounter_id", "admit_date", "discharge_date", "facility", "admit_type", "disposition",
    "primary_dx",
  ]

  /// Checks the options and prepares the shared tables; throws `SampleError.invalidOption` for a patient count
  /// below 1 or a negative number of events per patient.
  public init(options: SampleOptions) throws {
    guard options.patients >= 1 else {
      throw SampleError.invalidOption(name: "patients", value: "\(options.patients)", expected: "at least 1")
    }
    guard options.eventsPerPatient >= 0 else {
      throw SampleError.invalidOption(
        name: "events per patient", value: "\(options.eventsPerPatient)", expected: "0 or more")
    }
    self.options = options
    tables = Tables(options: options)
    calibration = Calibration(tables: tables, options: options)
    idWidth = max(7, String(options.patients).count)
  }

  /// Writes patients.csv, utilization.csv and discharges.csv into `directory` (created when missing).
  public func write(to directory: String) throws -> SampleSummary {
    do {
      try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    } catch {
      throw SampleError.cannotWrite(path: directory, reason: "\(error.localizedDescription)")
    }
    let output = try OutputFiles(directory: directory)
    do {
      var summary = SampleSummary()
      let chunkCount = (options.patients + Self.chunkSize - 1) / Self.chunkSize
      let window = 2 * max(1, ProcessInfo.processInfo.activeProcessorCount)
      for first in stride(from: 0, to: chunkCount, by: window) {
        let chunks = encodeChunks(first..<min(chunkCount, first + window))
        for chunk in chunks {
          summary.patients += chunk.summary.patients
          summary.utilizationEvents += chunk.summary.utilizationEvents
          summary.stays += chunk.summary.stays
        }
        try output.submit(chunks)
      }
      try output.close()
      return summary
    } catch let error as CSVWriteError {
      throw SampleError.cannotWrite(path: directory, reason: error.description)
    }
  }

  /// Encodes chunks `indices` concurrently and returns them in index order.
  private func encodeChunks(_ indices: Range<Int>) -> [ChunkEncoder] {
    let slots = ChunkSlots(count: indices.count)
    DispatchQueue.concurrentPerform(iterations: indices.count) { k in
      let chunk = indices.lowerBound + k
      let encoder = ChunkEncoder(generator: self)
      encoder.encode((chunk * Self.chunkSize)..<min(options.patients, (chunk + 1) * Self.chunkSize))
      slots.set(k, encoder)
    }
    return slots.all
  }
}

/// Finished chunk encoders by position, filled from worker threads.
private final class ChunkSlots: @unchecked Sendable {
  private let lock = NSLock()
  private var slots: [SampleGenerator.ChunkEncoder?]

  init(count: Int) { slots = Array(repeating: nil, count: count) }

  func set(_ k: Int, _ encoder: SampleGenerator.ChunkEncoder) {
    lock.lock()
    slots[k] = encoder
    lock.unlock()
  }

  var all: [SampleGenerator.ChunkEncoder] {
    lock.lock()
    defer { lock.unlock() }
    return slots.map { $0! }
  }
}
