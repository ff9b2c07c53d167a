/// Reads utilization.csv rows into `UtilizationEvent`s with the patient index of each. Every row is checked; only
/// the rows `retention` keeps are stored, and rows in `tallyWindow` are counted per patient on the way.
struct UtilizationRowParser: ChunkableRowParser {
  private(set) var events: [UtilizationEvent] = []
  /// Patient index of each event, parallel to `events`.
  private(set) var owners: [Int32] = []
  /// Per patient, the rows dated in `tallyWindow` (empty until the first such row).
  private(set) var tallies: [EventTally] = []
  private let patientCount: Int

  private let directory: PatientDirectory
  private let patientID, eventDate, eventType: BoundColumn
  private let providerID, primaryDx: BoundColumn?
  private let storeProviderID, storePrimaryDx: Bool
  private let types: EnumMatcher<EventType>
  private let retention: EventRetention
  private let tallyWindow: ClosedRange<Day>?
  /// The previous row's id and patient: rows usually come grouped by patient, so most rows skip the hash lookup.
  private var lastKey: ShortPatientID?
  private var lastOwner: Int32 = 0

  init(
    binding: HeaderBinding, directory: PatientDirectory, patientCount: Int, stored: StoredColumns,
    retention: EventRetention, tallyWindow: ClosedRange<Day>?
  ) {
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
  }

  mutating func parse(_ row: RowReader) throws {
    // The id as a String only when the byte lookup cannot answer; errors keep their order.
    let key = row.shortPatientID(patientID)
    var known: Int32?
    if let key, key == lastKey {
      known = lastOwner
    } else if let found = directory.find(key, after: lastOwner) {
      known = found
      lastKey = key
      lastOwner = found
    }
    let id = known == nil ? try row.requiredText(patientID) : ""
    let date = try row.requiredDate(eventDate)
    let type = try row.requiredEnumeration(eventType, types)
    let owner = try known ?? directory.resolve(id)
    if let tallyWindow, tallyWindow.contains(date) {
      if tallies.isEmpty { tallies = Array(repeating: EventTally(), count: patientCount) }
      tallies[Int(owner)].count(type)
    }
    guard retention.keeps(type, date) else { return }
    // Text columns have nothing to validate: read them only when kept.
    let provider = storeProviderID ? row.text(providerID) : nil
    let dx = storePrimaryDx ? row.code(primaryDx) : nil
    events.append(UtilizationEvent(date: date, type: type, providerID: provider, primaryDx: dx))
    owners.append(owner)
  }

  var rowCount: Int { events.count }

  mutating func reserveCapacity(_ rows: Int) {
    events.reserveCapacity(rows)
    owners.reserveCapacity(rows)
  }

  mutating func append(_ next: UtilizationRowParser, lineOffset: Int) {
    events += next.events
    owners += next.owners
    if tallies.isEmpty {
      tallies = next.tallies
    } else if !next.tallies.isEmpty {
      for p in tallies.indices { tallies[p] += next.tallies[p] }
    }
  }
}
