import Foundation

/// Where the three extracts are.
public struct InputPaths: Sendable, Equatable {
  public var patients: String
  public var utilization: String
  public var discharges: String

  public init(patients: String, utilization: String, discharges: String) {
    self.patients = patients
    self.utilization = utilization
    self.discharges = discharges
  }

  /// The canonical layout: `folder/patients.csv`, `folder/utilization.csv`, `folder/discharges.csv`.
  public init(folder: String) {
    let base = folder.hasSuffix("/") ? String(folder.dropLast()) : folder
    self.init(
      patients: base + "/patients.csv", utilization: base + "/utilization.csv", discharges: base + "/discharges.csv")
  }

  public subscript(kind: ExtractKind) -> String {
    get {
      switch kind {
      case .patients: return patients
      case .utilization: return utilization
      case .discharges: return discharges
      }
    }
    set {
      switch kind {
      case .patients: patients = newValue
      case .utilization: utilization = newValue
      case .discharges: discharges = newValue
      }
    }
  }
}

/// The optional text columns of the large files that are kept only when the rule set reads them; a column not
/// selected is validated (when it has anything to validate) but stored as nil, so memory grows with patients,
/// not rows.
public struct StoredColumns: OptionSet, Sendable, Hashable {
  public let rawValue: Int
  public init(rawValue: Int) { self.rawValue = rawValue }

  public static let utilizationProviderID = StoredColumns(rawValue: 1 << 0)
  public static let utilizationPrimaryDx = StoredColumns(rawValue: 1 << 1)
  public static let dischargeEncounterID = StoredColumns(rawValue: 1 << 2)
  public static let dischargeFacility = StoredColumns(rawValue: 1 << 3)
  public static let dischargePrimaryDx = StoredColumns(rawValue: 1 << 4)

  public static let all: StoredColumns = [
    .utilizationProviderID, .utilizationPrimaryDx, .dischargeEncounterID, .dischargeFacility, .dischargePrimaryDx,
  ]
  public static let none: StoredColumns = []
}

/// How to read the extracts.
public struct IngestOptions: Sendable {
  /// Largest share of any file's rows that may be rejected before the run fails (0.01 = 1%).
  public var rejectThreshold: Double
  /// Mapping per extract; an extract without one is read in the contract layout.
  public var mappings: [ExtractKind: ExtractMapping]
  public var storedColumns: StoredColumns
  /// Which utilization rows are stored (all by default; a run keeps only what its rules and reports can match).
  public var eventRetention: EventRetention = .everything
  /// Of the rows `eventRetention` stores, those only patients discharged in a window keep (nil: everyone keeps
  /// them all).
  public var dischargeFollowUp: DischargeFollowUp?
  /// When set, each patient's utilization rows dated in this window are counted by kind while reading
  /// (`IngestResult.eventTallies`), so the report's figures need not keep those rows.
  public var tallyWindow: ClosedRange<Day>?
  /// Bytes per read; tests make it small to cross block boundaries.
  public var blockSize: Int
  /// Byte ranges utilization.csv is cut into and parsed side by side (one per core by default; 1 reads it
  /// sequentially). Tests raise it to cut small files in many places.
  public var chunkCount: Int
  /// Reports reading progress: file name, bytes read, file size (the command shows it on a terminal).
  public var progress: (@Sendable (_ file: String, _ bytesRead: Int, _ totalBytes: Int) -> Void)?

  public static let defaultRejectThreshold = 0.01

  public init(
    rejectThreshold: Double = IngestOptions.defaultRejectThreshold, mappings: [ExtractKind: ExtractMapping] = [:],
    storedColumns: StoredColumns = .all, blockSize: Int = CSVReader.defaultBlockSize,
    chunkCount: Int = ProcessInfo.processInfo.activeProcessorCount
  ) {
    self.chunkCount = chunkCount
    self.rejectThreshold = rejectThreshold
    self.mappings = mappings
    self.storedColumns = storedColumns
    self.blockSize = blockSize
  }

  public func mapping(for kind: ExtractKind) -> ExtractMapping { mappings[kind] ?? .identity }
}
