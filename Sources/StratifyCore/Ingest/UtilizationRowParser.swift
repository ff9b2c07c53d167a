/// Reads utilization.csv rows into `UtilizationEvent`s with the patient index of each.
struct UtilizationRowParser: ChunkableRowParser {
  private(set) var events: [UtilizationEvent] = []
  /// Patient index of each event, parallel to `events`.
  private(set) var owners: [Int32] = []

  private let directory: PatientDirectory
  private let patientID, eventDate, eventType: BoundColumn
  private let providerID, primaryDx: BoundColumn?
  private let storeProviderID, storePrimaryDx: Bool
  private let types: EnumMatcher<EventType>

  init(binding: HeaderBinding, directory: PatientDirectory, stored: StoredColumns) {
    self.directory = directory
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
    let known = directory.find(row.shortPatientID(patientID))
    let id = known == nil ? try row.requiredText(patientID) : ""
    let date = try row.requiredDate(eventDate)
    let type = try row.requiredEnumeration(eventType, types)
    // Text columns have nothing to validate: read them only when kept.
    let provider = storeProviderID ? row.text(providerID) : nil
    let dx = storePrimaryDx ? row.code(primaryDx) : nil
    let owner = try known ?? directory.resolve(id)
    events.append(UtilizationEvent(date: date, type: type, providerID: provider, primaryDx: dx))
    owners.append(owner)
  }

  var rowCount: Int { events.count }

  mutating func reserveCapacity(_ rows: Int) {
    events.reserveCapacity(rows)
    owners.reserveCapacity(rows)
  }

  mutating func append(_ next: UtilizationRowParser) {
    events += next.events
    owners += next.owners
  }
}
