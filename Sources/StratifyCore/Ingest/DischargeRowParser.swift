/// Reads discharges.csv rows into `DischargeRecord`s with the patient index of each.
struct DischargeRowParser: ChunkableRowParser {
  private(set) var stays: [DischargeRecord] = []
  /// Patient index of each stay, parallel to `stays`.
  private(set) var owners: [Int32] = []
  /// With an encounter_id column, for `removeRepeatedEncounters()`: the stays' encounter_id bytes one after the
  /// other (no String per row), where each one ends, and each stay's line; parallel to `stays`.
  private var encounterBytes: [UInt8] = []
  private var encounterEnds: [Int] = []
  private var lines: [Int] = []

  private let directory: PatientDirectory
  private let patientID, admitDate, dischargeDate: BoundColumn
  private let encounterID, facility, admitType, disposition, primaryDx: BoundColumn?
  private let stored: StoredColumns
  private let admitTypes: EnumMatcher<AdmitType>
  private let dispositions: EnumMatcher<Disposition>

  init(binding: HeaderBinding, directory: PatientDirectory, stored: StoredColumns) {
    self.directory = directory
    self.stored = stored
    patientID = binding.required("patient_id")
    encounterID = binding["encounter_id"]
    admitDate = binding.required("admit_date")
    dischargeDate = binding.required("discharge_date")
    facility = binding["facility"]
    admitType = binding["admit_type"]
    disposition = binding["disposition"]
    primaryDx = binding["primary_dx"]
    admitTypes = EnumMatcher(valueMap: admitType?.valueMap)
    dispositions = EnumMatcher(valueMap: disposition?.valueMap)
    skippedColumns = Self.columns(
      notIn: [
        patientID, admitDate, dischargeDate, admitType, disposition,
        encounterID,
        stored.contains(.dischargeFacility) ? facility : nil,
        stored.contains(.dischargePrimaryDx) ? primaryDx : nil,
      ], fieldCount: binding.fieldCount)
  }

  let skippedColumns: UInt64

  var rowCount: Int { stays.count }

  mutating func reserveCapacity(_ rows: Int) {
    stays.reserveCapacity(rows)
    owners.reserveCapacity(rows)
    if encounterID != nil {
      encounterEnds.reserveCapacity(rows)
      lines.reserveCapacity(rows)
    }
  }

  mutating func append(_ next: DischargeRowParser, lineOffset: Int) {
    stays += next.stays
    owners += next.owners
    let base = encounterBytes.count
    encounterBytes += next.encounterBytes
    encounterEnds += next.encounterEnds.map { $0 + base }
    lines += next.lines.map { $0 + lineOffset }
  }

  /// Drops each stay whose patient already has a stay with the same encounter_id earlier in the file (the same
  /// stay extracted twice, which would count as two admissions), and returns a reject for each. Stays without an
  /// encounter_id are all kept: nothing tells them apart. Call once, after the last `append`.
  ///
  /// Compared on raw bytes (no String per stay) with the earlier stays of the same patient only, along a chain per
  /// patient: a few comparisons a stay. A patient past `chainLimit` stays (a placeholder id can have thousands) is
  /// looked up by hash instead, so no patient's stays are compared pair by pair.
  mutating func removeRepeatedEncounters() -> [Reject] {
    guard encounterID != nil, !stays.isEmpty else { return [] }
    defer {
      encounterBytes = []
      encounterEnds = []
      lines = []
    }
    let chainLimit = 32
    var rejects: [Reject] = []
    var kept: [Int] = []
    kept.reserveCapacity(stays.count)
    // Per patient: the latest kept stay with an encounter_id, and how many such stays; per stay, the one before it.
    var latest = [Int](repeating: -1, count: Int(owners.max()!) + 1)
    var chainLength = [Int32](repeating: 0, count: latest.count)
    var earlier = [Int](repeating: -1, count: stays.count)
    /// The stays of patients past `chainLimit`, by (patient, encounter_id).
    var hashed: [HashedEncounter: Int] = [:]
    encounterBytes.withUnsafeBufferPointer { bytes in
      func encounter(_ k: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: bytes[(k == 0 ? 0 : encounterEnds[k - 1])..<encounterEnds[k]])
      }
      func key(_ k: Int) -> HashedEncounter { HashedEncounter(owner: owners[k], bytes: Array(encounter(k))) }
      for k in stays.indices {
        let owner = Int(owners[k])
        let mine = encounter(k)
        guard !mine.isEmpty else {
          kept.append(k)
          continue
        }
        var first: Int?
        if chainLength[owner] < chainLimit {
          var j = latest[owner]
          while j >= 0, !encounter(j).elementsEqual(mine) { j = earlier[j] }
          if j >= 0 { first = j }
        } else {
          first = hashed[key(k)]
        }
        if let first {
          // The encounter_id itself is not quoted: reasons never carry a stay's identifiers.
          rejects.append(
            Reject(
              file: ExtractKind.discharges.fileName, line: lines[k], column: "encounter_id",
              reason: "the same encounter_id for the same patient as line \(lines[first]), which is kept",
              category: .repeatedEncounter))
          continue
        }
        kept.append(k)
        earlier[k] = latest[owner]
        latest[owner] = k
        chainLength[owner] += 1
        if chainLength[owner] == chainLimit {
          // From now on this patient's stays are looked up by hash: the chain so far goes into the table.
          var j = k
          while j >= 0 {
            hashed[key(j)] = j
            j = earlier[j]
          }
        } else if chainLength[owner] > chainLimit {
          hashed[key(k)] = k
        }
      }
    }
    if !rejects.isEmpty {
      stays = kept.map { stays[$0] }
      owners = kept.map { owners[$0] }
    }
    return rejects
  }

  private struct HashedEncounter: Hashable {
    var owner: Int32
    var bytes: [UInt8]
  }

  mutating func parse(_ row: RowReader) throws {
    // The id as a String only when the byte lookup cannot answer; errors keep their order.
    let known = directory.find(row.shortPatientID(patientID))
    let id = known == nil ? try row.requiredText(patientID) : ""
    let admit = try row.requiredDate(admitDate)
    let discharge = try row.requiredDate(dischargeDate)
    let type = try row.enumeration(admitType, admitTypes)
    let dispo = try row.enumeration(disposition, dispositions)
    if discharge < admit {
      throw FieldProblem(
        category: .dischargeBeforeAdmit, column: "discharge_date",
        reason: "discharge_date \(discharge) is before admit_date \(admit)")
    }
    let owner = try known ?? directory.resolve(id)
    if let encounterID {
      encounterBytes.append(contentsOf: FieldBytes.trimmed(row.record.bytes(at: encounterID.index)))
      encounterEnds.append(encounterBytes.count)
      lines.append(row.line)
    }
    stays.append(
      DischargeRecord(
        encounterID: stored.contains(.dischargeEncounterID) ? row.text(encounterID) : nil, admitDate: admit,
        dischargeDate: discharge, facility: stored.contains(.dischargeFacility) ? row.text(facility) : nil,
        admitType: type, disposition: dispo,
        primaryDx: stored.contains(.dischargePrimaryDx) ? row.code(primaryDx) : nil))
    owners.append(owner)
  }
}
