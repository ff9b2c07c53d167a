/// What `stratify sample` generates: how many patients, from which seed, as of which date.
///
/// The same options always give byte-identical files: the generator reads neither the clock nor the system
/// random generator.
public struct SampleOptions: Sendable, Equatable {
  /// Number of patients (rows of patients.csv); at least 1.
  public var patients: Int
  /// Seed of every random draw.
  public var seed: UInt64
  /// The run date the data is generated for: no event, stay or death falls after it.
  public var asOf: Day
  /// Average number of utilization rows per patient (the reference workload uses 20; the benchmark doubles it).
  public var eventsPerPatient: Int

  public init(patients: Int, seed: UInt64 = 1, asOf: Day, eventsPerPatient: Int = 20) {
    self.patients = patients
    self.seed = seed
    self.asOf = asOf
    self.eventsPerPatient = eventsPerPatient
  }
}

/// Row counts of the three files a sample run wrote.
public struct SampleSummary: Sendable, Equatable, CustomStringConvertible {
  public var patients: Int
  public var utilizationEvents: Int
  public var stays: Int

  public init(patients: Int = 0, utilizationEvents: Int = 0, stays: Int = 0) {
    self.patients = patients
    self.utilizationEvents = utilizationEvents
    self.stays = stays
  }

  public var description: String {
    "\(patients) patients, \(utilizationEvents) utilization events, \(stays) stays"
  }
}

/// Why a sample could not be generated.
public enum SampleError: StratifyError, Equatable {
  case invalidOption(name: String, value: String, expected: String)
  case cannotWrite(path: String, reason: String)

  public var exitStatus: ExitStatus {
    switch self {
    case .invalidOption: return .usage
    case .cannotWrite: return .cannotCreateOutput
    }
  }

  public var description: String {
    switch self {
    case .invalidOption(let name, let value, let expected):
      return "invalid value '\(value)' for \(name): expected \(expected)"
    case .cannotWrite(let path, let reason):
      return "cannot write \(path): \(reason)"
    }
  }
}
