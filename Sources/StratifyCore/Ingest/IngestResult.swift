/// One input file as read: where it was, its fingerprint, and what became of its rows (for the manifest and
/// the data-quality report).
public struct InputFileSummary: Sendable, Equatable {
  public var kind: ExtractKind
  /// Base name used in messages, e.g. `patients.csv`.
  public var file: String
  public var path: String
  public var byteCount: Int
  /// Lowercase hex SHA-256 of the file's bytes.
  public var sha256: String
  /// Data rows (header excluded); always `rowsAccepted + rowsRejected`.
  public var rowsRead: Int
  public var rowsAccepted: Int
  public var rowsRejected: Int
  /// Header names neither in the contract nor mapped.
  public var unknownColumns: [String]
  /// Records (the header included) that span more than one physical line.
  public var multiLineRecords = MultiLineRecords()
}

/// Records that span more than one physical line: a quoted field holds line breaks. The contract allows them (a
/// name may hold one) though no column needs one, and a quote left open (`"DR1"x`) joins every row up to the next
/// quote into one field of one record, so a run warns about them (line numbers only: `warning`).
public struct MultiLineRecords: Sendable, Equatable {
  /// How many.
  public var count = 0
  /// The first one's lines.
  public var first: ClosedRange<Int>?
  /// The one over the most lines (the first of those).
  public var longest: ClosedRange<Int>?

  public init() {}

  /// Notes a record from line `start` to line `end`, when it spans more than one.
  @inline(__always) mutating func note(start: Int, end: Int) {
    if end > start { add(start...end) }
  }

  private mutating func add(_ lines: ClosedRange<Int>) {
    count += 1
    if first == nil { first = lines }
    if longest.map({ lines.count > $0.count }) ?? true { longest = lines }
  }

  /// Adds the records of the range that follows (its lines counted from `lineOffset` + 1).
  mutating func append(_ next: MultiLineRecords, lineOffset: Int) {
    guard next.count > 0, let nextFirst = next.first, let nextLongest = next.longest else { return }
    let shift = { (lines: ClosedRange<Int>) in (lines.lowerBound + lineOffset)...(lines.upperBound + lineOffset) }
    count += next.count
    if first == nil { first = shift(nextFirst) }
    if longest.map({ nextLongest.count > $0.count }) ?? true { longest = shift(nextLongest) }
  }

  /// One line for the log and `validate`, e.g. "utilization.csv: 2 records span several lines (quoted line
  /// breaks), lines 5–6 first, lines 40–2990 the longest (check for a quote left open: it joins the rows up to the
  /// next quote into one record)"; nil when there are none.
  public func warning(file: String) -> String? {
    guard count > 0, let first, let longest else { return nil }
    let span = { (lines: ClosedRange<Int>) in "lines \(lines.lowerBound)–\(lines.upperBound)" }
    let which =
      count == 1 || first == longest
      ? span(first) + (count == 1 ? "" : " the first and longest")
      : span(first) + " first, " + span(longest) + " the longest"
    return "\(file): \(count) record\(count == 1 ? " spans" : "s span") several lines (quoted line breaks), "
      + which + " (check for a quote left open: it joins the rows up to the next quote into one record)"
  }
}

/// Everything ingest hands to scoring: the accepted records in compact form, per patient, plus the rejects and
/// the data-quality report.
public struct IngestResult: Sendable {
  /// Accepted patients in file order.
  public var patients: [PatientRecord]
  /// patient_id → index in `patients`.
  var directory: PatientDirectory
  /// The stored utilization rows (`IngestOptions.eventRetention`).
  public var utilization: GroupedRows<UtilizationEvent>
  /// Per patient, the utilization rows dated in `IngestOptions.tallyWindow`, by kind; nil without a window.
  public var eventTallies: [EventTally]?
  public var discharges: GroupedRows<DischargeRecord>
  /// Ordered by file (patients, utilization, discharges), then line.
  public var rejects: [Reject]
  public var quality: DataQualityReport
  /// In contract order: patients, utilization, discharges.
  public var inputs: [InputFileSummary]

  /// The threshold error, when the share of some file's rows rejected for a problem of their own (the first file in
  /// contract order; see `FileQuality.ownRejected`) exceeds it.
  public var rejectThresholdError: IngestError? {
    for file in quality.files where file.rowsRead > 0 && file.ownRejectShare > quality.rejectThreshold {
      return .rejectThresholdExceeded(
        file: file.file, rejected: file.ownRejected, read: file.rowsRead, threshold: quality.rejectThreshold)
    }
    return nil
  }

  /// The index in `patients` of the patient with this id (nil for everyone after `releaseDirectory()`).
  public func patientPosition(of id: String) -> Int? { directory.position(of: id).map(Int.init) }

  /// Frees the directory of patient ids (about 32 MB at 1M patients) once nothing will look a patient up by id.
  public mutating func releaseDirectory() { directory = PatientDirectory() }

  /// Frees the utilization rows, the stays and the event counts once nothing will read them (the patients, rejects
  /// and summaries stay).
  public mutating func releaseRows() {
    utilization = .empty(patientCount: 0)
    discharges = .empty(patientCount: 0)
    eventTallies = nil
  }

  /// Throws `IngestError.rejectThresholdExceeded` (exit 65) when a file's rejected share is over the threshold.
  public func enforceRejectThreshold() throws {
    if let error = rejectThresholdError { throw error }
  }
}

/// The accepted patients' positions by patient_id, as soon as patients.csv is read (`ExtractLoader.load`'s
/// `patientsRead`), while the other two files are still being read. It holds the patient directory (about 32 MB at
/// 1M patients): keep it no longer than the work it is for, or `IngestResult.releaseDirectory()` frees nothing.
public struct PatientLookup: Sendable {
  let directory: PatientDirectory

  /// Accepted patients.
  public var patientCount: Int { directory.count }

  /// The position of the patient whose id has these bytes (as `String`s compare), nil when none has it.
  public func position(ofBytes bytes: UnsafeRawBufferPointer) -> Int? {
    position(ofBytes: bytes, after: -1)
  }

  /// `position(ofBytes:)`, trying first the patient after position `previous`: ids read in the order of
  /// patients.csv (sorted like it) find their patient without a probe of the table.
  public func position(ofBytes bytes: UnsafeRawBufferPointer, after previous: Int) -> Int? {
    let id = UnsafeBufferPointer(start: bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), count: bytes.count)
    let key = ShortPatientID(id)
    if let p = previous < 0 ? directory.find(key) : directory.find(key, after: Int32(clamping: previous)) {
      return Int(p)
    }
    return directory.position(of: String(decoding: id, as: UTF8.self)).map(Int.init)
  }
}
