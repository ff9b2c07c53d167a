/// The run configuration (`stratify.yaml`) merged with command-line flags: every field is optional, so every
/// command also works from flags alone. Paths are absolute once loaded (a config file's relative paths are
/// relative to its folder; a flag's to the working directory).
public struct Configuration: Sendable, Equatable {
  /// The configuration file the values came from, if any.
  public var sourcePath: String?
  /// Folder holding patients.csv, utilization.csv and discharges.csv.
  public var input: String?
  /// Per-extract paths that override `input`.
  public var inputs: [ExtractKind: String]
  public var output: String?
  public var rules: String?
  /// The run date; nil means "today", decided by the caller, never inside the library.
  public var asOf: Day?
  /// Largest share of a file's rows that may be rejected (0.01 = 1%).
  public var rejectThreshold: Double?
  /// How foreign-shaped extracts map onto the contract.
  public var mappings: [ExtractKind: ExtractMapping]
  /// Holidays for business-day due dates (nil: US federal holidays).
  public var holidays: HolidaySettings?
  /// Caseload capacity per case manager and tier.
  public var capacity: CaseloadCapacity?
  /// Keep the newest N runs in `runs/` (nil: keep all).
  public var keepRuns: Int?
  /// Folder of restyled HTML templates.
  public var templates: String?
  /// The stable Prometheus textfile node_exporter reads (nil: `<output>/metrics.prom`).
  public var metricsPath: String?
  /// How the practice reports are laid out (`reports:`).
  public var reports: ReportSettings?

  public init(
    sourcePath: String? = nil, input: String? = nil, inputs: [ExtractKind: String] = [:], output: String? = nil,
    rules: String? = nil, asOf: Day? = nil, rejectThreshold: Double? = nil,
    mappings: [ExtractKind: ExtractMapping] = [:]
  ) {
    self.sourcePath = sourcePath
    self.input = input
    self.inputs = inputs
    self.output = output
    self.rules = rules
    self.asOf = asOf
    self.rejectThreshold = rejectThreshold
    self.mappings = mappings
  }

  /// The three extract paths: `input`'s canonical layout with the per-file overrides of `inputs` on top.
  ///
  /// - Throws: `ConfigurationError.missingSetting` (exit 64) when neither says where an extract is.
  public func inputPaths() throws -> InputPaths {
    var paths = InputPaths(folder: input ?? "")
    for kind in ExtractKind.allCases {
      if let path = inputs[kind] {
        paths[kind] = path
      } else if input == nil {
        throw ConfigurationError.missingSetting(
          name: "input", hint: "pass --input DIR (the folder with \(kind.fileName)) or set `input` in stratify.yaml")
      }
    }
    return paths
  }

  /// Ingest options from this configuration; `storedColumns` comes from what the rule set reads.
  public func ingestOptions(storedColumns: StoredColumns = .all) -> IngestOptions {
    IngestOptions(
      rejectThreshold: rejectThreshold ?? IngestOptions.defaultRejectThreshold, mappings: mappings,
      storedColumns: storedColumns)
  }
}
