extension SampleGenerator {
  /// Generates a contiguous range of patients and encodes their rows of the three files into in-memory CSV
  /// writers. One encoder per chunk, filled on a worker thread, then handed to the writing thread (hence the
  /// unchecked `Sendable`: an encoder is never used by two threads at once).
  final class ChunkEncoder: @unchecked Sendable {
    let patients = CSVWriter()
    let utilization = CSVWriter()
    let discharges = CSVWriter()
    private(set) var summary = SampleSummary()
    private let generator: SampleGenerator
    private let tables: Tables
    private var scratch: [UInt8] = []
    /// The current patient's id, reused for each of their rows.
    private var patientID: [UInt8] = []

    init(generator: SampleGenerator) {
      self.generator = generator
      tables = generator.tables
    }

    // Enum values are written from their raw values (contract values, static strings: no allocation).

    /// Generates and encodes patients `range` (0-based indices), each from its own random stream.
    func encode(_ range: Range<Int>) {
      let asOf = generator.options.asOf
      for index in range {
        var random = Random(seed: generator.options.seed, stream: UInt64(index))
        let patient = makeProfile(index: index, random: &random, tables: tables, asOf: asOf)
        let stays = makeStays(
          for: patient, scale: generator.calibration.stayScale, random: &random, tables: tables, asOf: asOf)
        let events = makeEvents(
          for: patient, stays: stays, scale: generator.calibration.utilizationScale, random: &random, tables: tables,
          asOf: asOf)
        scratch.removeAll(keepingCapacity: true)
        scratch.append(0x50)
        appendDigits(index + 1, width: generator.idWidth)
        patientID = scratch
        patientID.withUnsafeBufferPointer { id in
          writePatient(patient, id: id)
          for event in events { writeEvent(event, id: id) }
          for (k, stay) in stays.enumerated() { writeStay(stay, number: k + 1, of: patient, id: id) }
        }
        summary.patients += 1
        summary.utilizationEvents += events.count
        summary.stays += stays.count
      }
    }

    private func writePatient(_ patient: Profile, id: UnsafeBufferPointer<UInt8>) {
      let w = patients
      w.writeField(utf8: id)
      w.writeField(utf8: (patient.sex == 1 ? tables.maleNames : tables.femaleNames)[patient.firstName])
      w.writeField(utf8: tables.lastNames[patient.lastName])
      w.writeField(utf8: tables.dates[patient.birthDate])
      w.writeField(utf8: tables.sexes[patient.sex])
      scratch.removeAll(keepingCapacity: true)
      if let phone = patient.phone {
        scratch.append(contentsOf: tables.panel.areaCodes[phone.area])
        scratch.append(contentsOf: "-555-01".utf8)
        appendDigits(phone.line, width: 2)
      }
      writeScratch(to: w)
      w.writeField(utf8: tables.panel.practices[patient.practice])
      w.writeField(utf8: tables.panel.pcps[patient.pcp])
      writeOptional(patient.caseManager.map { tables.panel.caseManagers[$0] }, to: w)
      w.writeField(patient.payer?.rawValue ?? "")
      scratch.removeAll(keepingCapacity: true)
      for (k, code) in patient.conditions.enumerated() {
        if k > 0 { scratch.append(0x3B) }
        scratch.append(contentsOf: tables.codes[code])
      }
      writeScratch(to: w)
      scratch.removeAll(keepingCapacity: true)
      if let medications = patient.medications { appendDigits(medications, width: 1) }
      writeScratch(to: w)
      scratch.removeAll(keepingCapacity: true)
      for (k, need) in patient.socialNeeds.enumerated() {
        if k > 0 { scratch.append(0x3B) }
        scratch.append(contentsOf: tables.socialNeeds[need.rawValue])
      }
      writeScratch(to: w)
      writeOptional(patient.hospice.map { tables.yesNo[$0 ? 0 : 1] }, to: w)
      writeOptional(patient.deceasedDate.map { tables.dates[$0] }, to: w)
      endRow(w)
    }

    private func writeEvent(_ event: Event, id: UnsafeBufferPointer<UInt8>) {
      let w = utilization
      w.writeField(utf8: id)
      w.writeField(utf8: tables.dates[event.day])
      w.writeField(event.type.rawValue)
      let panel = tables.panel
      switch event.provider {
      case .none: writeOptional(nil, to: w)
      case .pcp(let i): w.writeField(utf8: panel.pcps[i])
      case .caseManager(let i): w.writeField(utf8: panel.caseManagers[i])
      case .edClinician(let i): w.writeField(utf8: panel.edClinicians[i])
      case .urgentCare(let i): w.writeField(utf8: panel.urgentCareClinicians[i])
      }
      writeOptional(event.dx.map { tables.codes[$0] }, to: w)
      endRow(w)
    }

    private func writeStay(_ stay: Stay, number: Int, of patient: Profile, id: UnsafeBufferPointer<UInt8>) {
      let w = discharges
      w.writeField(utf8: id)
      // Encounter ids are unique: "H", the patient number, and the stay's rank for that patient.
      scratch.removeAll(keepingCapacity: true)
      scratch.append(0x48)
      appendDigits(patient.index + 1, width: generator.idWidth)
      scratch.append(0x2D)
      appendDigits(number, width: 2)
      writeScratch(to: w)
      w.writeField(utf8: tables.dates[stay.admit])
      w.writeField(utf8: tables.dates[stay.discharge])
      w.writeField(utf8: tables.panel.facilities[stay.facility])
      w.writeField(stay.admitType.rawValue)
      w.writeField(stay.disposition.rawValue)
      w.writeField(utf8: tables.codes[stay.dx])
      endRow(w)
    }

    private func appendDigits(_ value: Int, width: Int) {
      var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
        (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
      var count = 0
      var rest = value
      withUnsafeMutableBytes(of: &digits) { buffer in
        repeat {
          buffer[count] = UInt8(0x30 + rest % 10)
          rest /= 10
          count += 1
        } while rest > 0 && count < buffer.count
        for _ in count..<max(count, width) { scratch.append(0x30) }
        for k in stride(from: count - 1, through: 0, by: -1) { scratch.append(buffer[k]) }
      }
    }

    private func writeScratch(to w: CSVWriter) {
      scratch.withUnsafeBufferPointer { w.writeField(utf8: $0) }
    }

    private func writeOptional(_ bytes: UnsafeBufferPointer<UInt8>?, to w: CSVWriter) {
      w.writeField(utf8: bytes ?? UnsafeBufferPointer(start: nil, count: 0))
    }

    private func endRow(_ w: CSVWriter) {
      // In-memory writers never flush, so ending a row cannot fail here.
      try! w.endRow()
    }
  }
}
