/// Reads utilization.csv rows into `UtilizationEvent`s with the patient index of each. Every row is checked; only
/// the rows `retention` keeps are stored, and rows in `tallyWindow` are counted per patient on the way.
struct UtilizationRowParser: ChunkableRowParser {
  private(set) var events: [UtilizationEvent] = []
  /// Patient index of each event, parallel to `events`.
  private(set) var owners: [Int32] = []
  /// Per patient, the rows dated in `tallyWindow` of the chunks appended so far (empty until one has such rows).
  private var mergedTallies: [EventTally] = []
  /// This parser's own rows dated in `tallyWindow`, one count per run of consecutive rows of one patient: rows come
  /// grouped by patient, so a chunk of the file holds about one entry per patient it covers, not one per patient
  /// of the file.
  private var runOwners: [Int32] = []
  private var runTallies: [EventTally] = []
  /// The last run, still being counted, kept out of the arrays so that counting a row writes none of them (an
  /// array element written in place is a uniqueness check and a bounds check, for most of 20M rows); `openOwner`
  /// is -1 before the first.
  private var openOwner: Int32 = -1
  private var openTally = EventTally()
  private let patientCount: Int

  private let directory: PatientDirectory
  private let patientID, eventDate, eventType: BoundColumn
  private let providerID, primaryDx: BoundColumn?
  private let storeProviderID, storePrimaryDx: Bool
  private let types: EnumMatcher<EventType>
  private let retention: EventRetention
  private let tallyWindow: ClosedRange<Day>?
  private let followUp: FollowUp?
  let skippedColumns: UInt64

  /// Rows `retention` keeps for some patients only: those `everyone` does not keep are stored for the patients
  /// marked in `discharged` (by position) and dropped for the others.
  struct FollowUp: Sendable {
    var everyone: EventRetention
    var discharged: [Bool]
  }
  /// The previous row's id and patient: rows usually come grouped by patient, so most rows skip the hash lookup.
  private var lastKey: ShortPatientID?
  private var lastOwner: Int32 = 0

  /// The field index of each column read (-1 for one absent or not stored).
  typealias ColumnsRead = (patientID: Int, eventDate: Int, eventType: Int, providerID: Int, primaryDx: Int)
  let columnsRead: ColumnsRead
  let fieldCount: Int
  /// The read columns as field 0 of a one-field record: `UtilizationStream` reads each field on its own.
  private let singlePatientID, singleEventDate, singleEventType: BoundColumn
  private let singleProviderID, singlePrimaryDx: BoundColumn?
  let storesTexts: Bool
  /// Whether the id and date columns have value maps (their values are then looked up as text).
  let idMapped, dateMapped: Bool

  /// The columns `read` reads.
  enum Role { case patientID, eventDate, eventType }

  init(
    binding: HeaderBinding, directory: PatientDirectory, patientCount: Int, stored: StoredColumns,
    retention: EventRetention, followUp: FollowUp? = nil, tallyWindow: ClosedRange<Day>?
  ) {
    self.followUp = followUp
    self.directory = directory
    self.retention = retention
    self.tallyWindow = tallyWindow
    self.patientCount = patientCount
    patientID = binding.required("patient_id")
    eventDate = binding.required("event_date")
    eventType = binding.required("event_type")
    providerID = binding["provider_id"]
    primaryDx = binding["primary_dx"]
    storeProviderID = stored.contains(.utilizationProviderID)
    storePrimaryDx = stored.contains(.utilizationPrimaryDx)
    types = EnumMatcher(valueMap: eventType.valueMap)
    skippedColumns = Self.columns(
      notIn: [patientID, eventDate, eventType, storeProviderID ? providerID : nil, storePrimaryDx ? primaryDx : nil],
      fieldCount: binding.fieldCount)
    fieldCount = binding.fieldCount
    columnsRead = (
      patientID.index, eventDate.index, eventType.index, storeProviderID ? providerID?.index ?? -1 : -1,
      storePrimaryDx ? primaryDx?.index ?? -1 : -1
    )
    storesTexts = storeProviderID || storePrimaryDx
    func alone(_ column: BoundColumn) -> BoundColumn {
      BoundColumn(index: 0, spec: column.spec, valueMap: column.valueMap)
    }
    singlePatientID = alone(patientID)
    singleEventDate = alone(eventDate)
    singleEventType = alone(eventType)
    singleProviderID = providerID.map(alone)
    singlePrimaryDx = primaryDx.map(alone)
    idMapped = patientID.valueMap != nil
    dateMapped = eventDate.valueMap != nil
  }

  /// One row's patient, date and type as read so far, each the value or the problem reading it: from a whole
  /// record (`parse`) or field by field (`UtilizationStream`). `commit` reports the problems in `parse`'s order.
  struct PendingRow {
    /// The patient found from the id's bytes; nil when the `String` lookup answers (`id`).
    var owner: Int32?
    /// The id as text (or why there is none) when `owner` is nil.
    var id: Result<String, Error> = .success("")
    var date: Result<Day, Error> = .success(Day(number: 0))
    var type: Result<EventType, Error> = .success(.office)
    /// The date and type `readPlain` read, kept out of the `Result`s (assigning one destroys the value it held first,
    /// a call on every row): bit 0 set when the date is `plainDate`, bit 1 when the type is `plainType`; the general
    /// read sets the `Result` and clears the bit.
    var plain: UInt8 = 0
    var plainDate = Day(number: 0)
    var plainType = EventType.office
  }

  /// Reads the field of `role` (one of patient, date, type) from `row`, where it is `column`, into `pending`.
  @inline(__always) mutating func read(
    _ role: Role, from row: RowReader, _ column: BoundColumn, into pending: inout PendingRow
  ) {
    switch role {
    case .patientID:
      // The id as a String only when the byte lookup cannot answer.
      let key = row.shortPatientID(column)
      if let key, key == lastKey {
        pending.owner = lastOwner
      } else if let found = directory.find(key, after: lastOwner) {
        pending.owner = found
        lastKey = key
        lastOwner = found
      } else {
        pending.owner = nil
        pending.id = Result { try row.requiredText(column) }
      }
    case .eventDate:
      pending.date = Result { try row.requiredDate(column) }
      pending.plain &= ~1
    case .eventType:
      pending.type = Result { try row.requiredEnumeration(column, types) }
      pending.plain &= ~2
    }
  }

  /// What `read(_:from:_:into:)` reads from the field of `role` in the usual case, from its bytes alone: an id
  /// found by its bytes, a plain date, a known type. False, with nothing read, when it is not that case and `read`
  /// has to answer. It repeats the inline paths of `RowReader.shortPatientID`, `requiredDate` and
  /// `requiredEnumeration` on a field's bytes, and must keep agreeing with them.
  @inline(__always) mutating func readPlain(
    _ role: Role, _ bytes: UnsafeBufferPointer<UInt8>, into pending: inout PendingRow, dateFormat: DateFormat
  ) -> Bool {
    switch role {
    case .patientID:
      guard !idMapped, let key = ShortPatientID(FieldBytes.trimmed(bytes)) else { return false }
      if key == lastKey {
        pending.owner = lastOwner
        return true
      }
      guard let found = directory.find(key, after: lastOwner) else { return false }
      pending.owner = found
      lastKey = key
      lastOwner = found
    case .eventDate:
      guard !dateMapped, let day = dateFormat.parseInline(FieldBytes.trimmed(bytes)) else { return false }
      pending.plainDate = day
      pending.plain |= 1
    case .eventType:
      guard let type = types.match(FieldBytes.trimmed(bytes)) else { return false }
      pending.plainType = type
      pending.plain |= 2
    }
    return true
  }

  /// `read(_:from:_:into:)` for field `role` of a row read field by field: `row` holds that field alone.
  @inline(never) mutating func readAlone(_ role: Role, from row: RowReader, into pending: inout PendingRow) {
    switch role {
    case .patientID: read(role, from: row, singlePatientID, into: &pending)
    case .eventDate: read(role, from: row, singleEventDate, into: &pending)
    case .eventType: read(role, from: row, singleEventType, into: &pending)
    }
  }

  /// The provider and diagnosis columns as field 0 of a one-field record, for reading those fields on their own.
  var textColumnsAlone: (providerID: BoundColumn?, primaryDx: BoundColumn?) { (singleProviderID, singlePrimaryDx) }

  mutating func parse(_ row: RowReader) throws {
    var pending = PendingRow()
    read(.patientID, from: row, patientID, into: &pending)
    read(.eventDate, from: row, eventDate, into: &pending)
    read(.eventType, from: row, eventType, into: &pending)
    let (provider, dx) = (storeProviderID ? providerID : nil, storePrimaryDx ? primaryDx : nil)
    try commit(pending) { (row.text(provider), row.code(dx)) }
  }

  /// Checks the row read into `pending` (its problems in the order: id missing, date, type, unknown patient) and
  /// counts and keeps it; `texts` gives its provider and diagnosis (nil for a column not stored), read only when
  /// the row is kept.
  @inline(__always) mutating func commit(_ pending: PendingRow, texts: () -> (String?, String?)) throws {
    let id = pending.owner == nil ? try pending.id.get() : ""
    let date = pending.plain & 1 != 0 ? pending.plainDate : try pending.date.get()
    let type = pending.plain & 2 != 0 ? pending.plainType : try pending.type.get()
    let owner = try pending.owner ?? directory.resolve(id)
    if let tallyWindow, tallyWindow.contains(date) {
      if openOwner != owner {
        if openOwner >= 0 {
          runOwners.append(openOwner)
          runTallies.append(openTally)
        }
        openOwner = owner
        openTally = EventTally()
      }
      openTally.count(type)
    }
    guard retention.keeps(type, date) else { return }
    if let followUp, !followUp.discharged[Int(owner)], !followUp.everyone.keeps(type, date) { return }
    // Text columns have nothing to validate: read them only when kept.
    let (provider, dx) = storesTexts ? texts() : (nil, nil)
    events.append(UtilizationEvent(date: date, type: type, providerID: provider, primaryDx: dx))
    owners.append(owner)
  }

  /// Reads the range field by field (`UtilizationStream`).
  mutating func stream(
    _ reader: CSVReader, kind: ExtractKind, offset: Int, length: Int, isLast: Bool, dateFormat: DateFormat,
    progress: ((Int) -> Void)?
  ) throws -> StreamedRange? {
    let stream = UtilizationStream(parser: self, kind: kind, dateFormat: dateFormat, skipHeader: offset == 0)
    let summary = try reader.parseRange(
      offset: offset, length: length, isLast: isLast, mapped: true, progress: progress, stream)
    self = stream.parser
    return StreamedRange(rejects: stream.rejects, rowsRead: stream.rowsRead, summary: summary)
  }

  var rowCount: Int { events.count }

  mutating func reserveCapacity(_ rows: Int) {
    events.reserveCapacity(rows)
    owners.reserveCapacity(rows)
  }

  /// Per patient, the rows dated in `tallyWindow`; empty when there were none.
  var tallies: [EventTally] {
    var all = mergedTallies
    Self.add(runOwners, runTallies, to: &all, patientCount: patientCount)
    addOpenRun(to: &all)
    return all
  }

  /// Adds the run still being counted to `all`.
  private func addOpenRun(to all: inout [EventTally]) {
    guard openOwner >= 0 else { return }
    if all.isEmpty { all = Array(repeating: EventTally(), count: patientCount) }
    all[Int(openOwner)] += openTally
  }

  mutating func append(_ next: UtilizationRowParser, lineOffset: Int) {
    events += next.events
    owners += next.owners
    if !next.mergedTallies.isEmpty {
      if mergedTallies.isEmpty { mergedTallies = Array(repeating: EventTally(), count: patientCount) }
      for p in mergedTallies.indices { mergedTallies[p] += next.mergedTallies[p] }
    }
    Self.add(next.runOwners, next.runTallies, to: &mergedTallies, patientCount: patientCount)
    next.addOpenRun(to: &mergedTallies)
  }

  /// Static, so that `all` can be a stored property of the parser without a copy of the parser (and of `all`).
  private static func add(_ owners: [Int32], _ counts: [EventTally], to all: inout [EventTally], patientCount: Int) {
    guard !owners.isEmpty else { return }
    if all.isEmpty { all = Array(repeating: EventTally(), count: patientCount) }
    for k in owners.indices { all[Int(owners[k])] += counts[k] }
  }
}
