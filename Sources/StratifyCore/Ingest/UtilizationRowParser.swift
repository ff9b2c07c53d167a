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
      if runOwners.last != owner {
        runOwners.append(owner)
        runTallies.append(EventTally())
      }
      runTallies[runTallies.count - 1].count(type)
    }
    guard retention.keeps(type, date) else { return }
    if let followUp, !followUp.discharged[Int(owner)], !followUp.everyone.keeps(type, date) { return }
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

  /// Per patient, the rows dated in `tallyWindow`; empty when there were none.
  var tallies: [EventTally] {
    var all = mergedTallies
    Self.add(runOwners, runTallies, to: &all, patientCount: patientCount)
    return all
  }

  mutating func append(_ next: UtilizationRowParser, lineOffset: Int) {
    events += next.events
    owners += next.owners
    if !next.mergedTallies.isEmpty {
      if mergedTallies.isEmpty { mergedTallies = Array(repeating: EventTally(), count: patientCount) }
      for p in mergedTallies.indices { mergedTallies[p] += next.mergedTallies[p] }
    }
    Self.add(next.runOwners, next.runTallies, to: &mergedTallies, patientCount: patientCount)
  }

  /// Static, so that `all` can be a stored property of the parser without a copy of the parser (and of `all`).
  private static func add(_ owners: [Int32], _ counts: [EventTally], to all: inout [EventTally], patientCount: Int) {
    guard !owners.isEmpty else { return }
    if all.isEmpty { all = Array(repeating: EventTally(), count: patientCount) }
    for k in owners.indices { all[Int(owners[k])] += counts[k] }
  }
}
