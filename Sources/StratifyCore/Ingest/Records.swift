/// The compact, typed records that ingest hands to scoring: dates as `Day`, enums as small enums, rows grouped
/// per patient. Field names follow DATA_CONTRACT.md.

/// `utilization.csv` event_type.
public enum EventType: String, CaseIterable, Sendable, Hashable {
  case ed
  case urgentCare = "urgent_care"
  case office
  case telehealth
  case noShow = "no_show"
  case cmContact = "cm_contact"
}

/// `discharges.csv` admit_type.
public enum AdmitType: String, CaseIterable, Sendable, Hashable {
  case emergency, urgent, elective
}

/// `discharges.csv` disposition.
public enum Disposition: String, CaseIterable, Sendable, Hashable {
  case home
  case homeHealth = "home_health"
  case snf, irf, ltach, hospice, ama, expired, other
}

/// One accepted row of `patients.csv`.
///
/// The eight short texts are packed in 64 bytes (`PatientTexts`), then the lists, then the small fields packed
/// together: 128 bytes a patient instead of 184 with a `String` each (a million patients are held in memory at
/// once).
public struct PatientRecord: Sendable, Equatable {
  public var id: String
  private var texts: PatientTexts
  /// ICD-10-CM codes, normalized: upper case, dots removed, in file order.
  public var conditions: [String]
  /// Screened social needs, lower case, in file order.
  public var socialNeeds: [String]
  private var storedLine: Int32
  public var birthDate: Day
  private var storedMedicationCount: Int32?
  public var hospice: Bool?
  public var deceasedDate: Day?

  public var firstName: String? {
    get { texts[.firstName] }
    set { texts[.firstName] = newValue }
  }

  public var lastName: String? {
    get { texts[.lastName] }
    set { texts[.lastName] = newValue }
  }

  public var sex: String? {
    get { texts[.sex] }
    set { texts[.sex] = newValue }
  }

  public var phone: String? {
    get { texts[.phone] }
    set { texts[.phone] = newValue }
  }

  public var practiceID: String {
    get { texts[.practiceID] ?? "" }
    set { texts[.practiceID] = newValue }
  }

  public var pcpID: String? {
    get { texts[.pcpID] }
    set { texts[.pcpID] = newValue }
  }

  public var caseManagerID: String? {
    get { texts[.caseManagerID] }
    set { texts[.caseManagerID] = newValue }
  }

  public var payer: String? {
    get { texts[.payer] }
    set { texts[.payer] = newValue }
  }

  /// Physical line of the row in patients.csv.
  public var line: Int {
    get { Int(storedLine) }
    set { storedLine = Int32(clamping: newValue) }
  }

  public var medicationCount: Int? {
    get { storedMedicationCount.map(Int.init) }
    set { storedMedicationCount = newValue.map { Int32(clamping: $0) } }
  }

  public init(
    id: String, line: Int = 0, firstName: String? = nil, lastName: String? = nil, birthDate: Day, sex: String? = nil,
    phone: String? = nil, practiceID: String, pcpID: String? = nil, caseManagerID: String? = nil,
    payer: String? = nil, conditions: [String] = [], medicationCount: Int? = nil, socialNeeds: [String] = [],
    hospice: Bool? = nil, deceasedDate: Day? = nil
  ) {
    self.init(
      id: id, line: line,
      texts: PatientTexts([firstName, lastName, sex, phone, practiceID, pcpID, caseManagerID, payer]),
      birthDate: birthDate, conditions: conditions, medicationCount: medicationCount, socialNeeds: socialNeeds,
      hospice: hospice, deceasedDate: deceasedDate)
  }

  /// Calls `body` with the UTF-8 bytes of the text `field` (nil when absent), read in place: what the text's
  /// property returns is `String(decoding:as:)` of them (`practiceID` gives "" for nil).
  @inline(__always) func withTextBytes<R>(_ field: PatientTexts.Field, _ body: (UnsafeBufferPointer<UInt8>?) -> R) -> R
  {
    texts.withBytes(field, body)
  }

  /// A record whose texts are already packed (patients.csv rows).
  init(
    id: String, line: Int, texts: PatientTexts, birthDate: Day, conditions: [String], medicationCount: Int?,
    socialNeeds: [String], hospice: Bool?, deceasedDate: Day?
  ) {
    self.id = id
    storedLine = Int32(clamping: line)
    self.texts = texts
    self.birthDate = birthDate
    self.conditions = conditions
    storedMedicationCount = medicationCount.map { Int32(clamping: $0) }
    self.socialNeeds = socialNeeds
    self.hospice = hospice
    self.deceasedDate = deceasedDate
  }
}

/// One accepted row of `utilization.csv` (the patient is implied by the group it sits in).
///
/// 16 bytes: the optional texts share one reference, nil when neither is kept (they are kept only when the rule
/// set reads them), so a stored row costs a date, a type and a null pointer.
public struct UtilizationEvent: Sendable, Equatable {
  public var date: Day
  public var type: EventType
  private var texts: Texts?

  /// Kept only when the rule set reads it (nil otherwise, and when empty in the file).
  public var providerID: String? {
    get { texts?.providerID }
    set { texts = Texts.make(newValue, primaryDx) }
  }

  /// Normalized ICD-10-CM code; kept only when the rule set reads it.
  public var primaryDx: String? {
    get { texts?.primaryDx }
    set { texts = Texts.make(providerID, newValue) }
  }

  public init(date: Day, type: EventType, providerID: String? = nil, primaryDx: String? = nil) {
    self.date = date
    self.type = type
    texts = Texts.make(providerID, primaryDx)
  }

  public static func == (a: UtilizationEvent, b: UtilizationEvent) -> Bool {
    a.date == b.date && a.type == b.type && a.providerID == b.providerID && a.primaryDx == b.primaryDx
  }

  /// The texts of one row, immutable (a change makes a new one).
  private final class Texts: Sendable {
    let providerID: String?
    let primaryDx: String?

    init(_ providerID: String?, _ primaryDx: String?) {
      self.providerID = providerID
      self.primaryDx = primaryDx
    }

    static func make(_ providerID: String?, _ primaryDx: String?) -> Texts? {
      providerID == nil && primaryDx == nil ? nil : Texts(providerID, primaryDx)
    }
  }
}

/// One accepted row of `discharges.csv`.
///
/// 24 bytes: the optional texts share one reference, nil when none is kept (they are kept only when the rule set
/// reads them), as in `UtilizationEvent`.
public struct DischargeRecord: Sendable, Equatable {
  public var admitDate: Day
  public var dischargeDate: Day
  public var admitType: AdmitType?
  public var disposition: Disposition?
  private var texts: Texts?

  public var encounterID: String? {
    get { texts?.encounterID }
    set { texts = Texts.make(newValue, facility, primaryDx) }
  }

  public var facility: String? {
    get { texts?.facility }
    set { texts = Texts.make(encounterID, newValue, primaryDx) }
  }

  /// Normalized ICD-10-CM code.
  public var primaryDx: String? {
    get { texts?.primaryDx }
    set { texts = Texts.make(encounterID, facility, newValue) }
  }

  public init(
    encounterID: String? = nil, admitDate: Day, dischargeDate: Day, facility: String? = nil,
    admitType: AdmitType? = nil, disposition: Disposition? = nil, primaryDx: String? = nil
  ) {
    self.admitDate = admitDate
    self.dischargeDate = dischargeDate
    self.admitType = admitType
    self.disposition = disposition
    texts = Texts.make(encounterID, facility, primaryDx)
  }

  public static func == (a: DischargeRecord, b: DischargeRecord) -> Bool {
    a.admitDate == b.admitDate && a.dischargeDate == b.dischargeDate && a.admitType == b.admitType
      && a.disposition == b.disposition && a.encounterID == b.encounterID && a.facility == b.facility
      && a.primaryDx == b.primaryDx
  }

  /// The texts of one row, immutable (a change makes a new one).
  private final class Texts: Sendable {
    let encounterID: String?
    let facility: String?
    let primaryDx: String?

    init(_ encounterID: String?, _ facility: String?, _ primaryDx: String?) {
      self.encounterID = encounterID
      self.facility = facility
      self.primaryDx = primaryDx
    }

    static func make(_ encounterID: String?, _ facility: String?, _ primaryDx: String?) -> Texts? {
      encounterID == nil && facility == nil && primaryDx == nil ? nil : Texts(encounterID, facility, primaryDx)
    }
  }
}

/// Rows grouped per patient in one contiguous array (compressed sparse rows): the rows of patient `i` are
/// `rows[offsets[i]..<offsets[i+1]]`, in file order.
public struct GroupedRows<Row: Sendable>: Sendable {
  public private(set) var offsets: [Int32]
  public private(set) var rows: [Row]

  public init(offsets: [Int32], rows: [Row]) {
    precondition(offsets.first == 0 && Int(offsets.last ?? 0) == rows.count)
    self.offsets = offsets
    self.rows = rows
  }

  /// Groups `rows` by `patients[k]` (a patient index per row), keeping file order within each patient. Extracts
  /// already sorted by patient (the usual export order) are taken as they are, without a copy.
  public init(patientCount: Int, patients: [Int32], rows: [Row]) {
    precondition(patients.count == rows.count)
    var offsets = [Int32](repeating: 0, count: patientCount + 1)
    for p in patients { offsets[Int(p) + 1] += 1 }
    for i in 0..<patientCount { offsets[i + 1] += offsets[i] }
    self.offsets = offsets
    if zip(patients, patients.dropFirst()).allSatisfy({ $0 <= $1 }) {
      self.rows = rows
      return
    }
    // A stable counting sort: the position of every row, then one pass to place them.
    var next = offsets
    var order = [Int32](repeating: 0, count: rows.count)
    for (k, p) in patients.enumerated() {
      order[Int(next[Int(p)])] = Int32(k)
      next[Int(p)] += 1
    }
    self.rows = order.map { rows[Int($0)] }
  }

  /// No rows for any of `patientCount` patients.
  public static func empty(patientCount: Int) -> GroupedRows {
    GroupedRows(offsets: [Int32](repeating: 0, count: patientCount + 1), rows: [])
  }

  public var patientCount: Int { offsets.count - 1 }

  /// The rows of one patient, in file order.
  public subscript(patient: Int) -> ArraySlice<Row> {
    rows[Int(offsets[patient])..<Int(offsets[patient + 1])]
  }
}
