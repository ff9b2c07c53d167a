import Foundation

/// Every figure of one night, for `metrics.json`, `metrics.prom` and `report.html`: computed once, in Swift, from
/// what the run already has (ingest, scores, worklist, history). Counts and ids only, never patient data.
///
/// The JSON schema is versioned (`schema_version`) and documented field by field in `docs/metrics.md`; a change that
/// renames or re-defines a field bumps the version, adding a field does not. The encoding is deterministic (sorted
/// keys, no timestamps), so re-running a date on the same data gives the same bytes.
public struct RunMetrics: Codable, Equatable, Sendable {
  /// The version of this schema that the current build writes.
  public static let currentSchemaVersion = 1

  public var schemaVersion: Int
  /// The run's as-of date, `YYYY-MM-DD`.
  public var asOf: String
  /// The as-of date of the latest published run before this one (nil for the first run).
  public var previousRun: String?
  public var ruleSet: RuleSetFigures
  /// The rule set's tier names, most intensive first (the eligibility's `otherwise` tier last): the order in which
  /// reports list `tiers`.
  public var tierOrder: [String]
  /// Rows of patients.csv: read = accepted + rejected.
  public var patients: PatientCounts
  /// Accepted patients per tier (every tier of `tier_order`, zeros included); adds up to `patients.accepted`.
  public var tiers: [String: Int]
  /// How patients moved between tiers since the previous run.
  public var tierChanges: TierMovement
  /// Discharges of the last 30 days and their follow-up.
  public var transitionsOfCare: TransitionsOfCare
  /// ED use and no-shows over the 12 months to the as-of date, per tier in `tier_order`.
  public var utilizationByTier: [TierUtilization]
  /// Open worklist items, per case manager and per practice's unassigned list.
  public var worklist: WorklistLoad
  /// Actions open on the previous run's lists that the extracts now show done.
  public var closedActionsSinceLastRun: Int
  /// The rules that gave points to the most patients (at most 10), most patients first, ties in rule order.
  public var topRules: [RuleFiring]
  /// Extract name → rows rejected (every extract, zeros included); adds up to the data rows of rejects.csv.
  public var rejects: [String: Int]
  /// Reject reason (`RejectCategory` key) → rejected rows over all extracts; non-zero reasons only.
  public var rejectsByReason: [String: Int]
  /// Extract name → header columns that are neither in the contract nor mapped (every extract, empty included).
  public var unknownColumns: [String: [String]]
  /// Rows read / accepted / rejected and rejects by reason per extract, in contract order.
  public var files: [FileQuality]
  /// The largest share of a file's rows that may be rejected before a run fails.
  public var rejectThreshold: Double
  /// The same population figures per practice, ordered by practice_id.
  public var practices: [PracticeMetrics]

  /// The rule set the run scored with.
  public struct RuleSetFigures: Codable, Equatable, Sendable {
    public var name: String
    public var version: String
    public var sha256: String
  }

  /// Rows of patients.csv.
  public struct PatientCounts: Codable, Equatable, Sendable {
    /// Data rows read (header excluded).
    public var read: Int
    /// Rows accepted: the patients that were scored and tiered.
    public var accepted: Int
    /// Rows quarantined in rejects.csv.
    public var rejected: Int
  }

  /// One extract's rows and rejects.
  public struct FileQuality: Codable, Equatable, Sendable {
    public var file: String
    public var rowsRead: Int
    public var rowsAccepted: Int
    public var rowsRejected: Int
    /// Reject reason → rows; non-zero reasons only.
    public var rejectsByReason: [String: Int]
    public var unknownColumns: [String]

    /// Rows rejected for a problem of their own (`RejectCategory.countsTowardThreshold`): what the threshold counts.
    public var ownRejected: Int {
      rejectsByReason.reduce(0) { total, reason in
        total + (RejectCategory(rawValue: reason.key)?.countsTowardThreshold == false ? 0 : reason.value)
      }
    }
  }

  /// The figures of the whole population (everything but data quality), as the report renders them.
  public var organization: PopulationMetrics {
    PopulationMetrics(
      patients: patients.accepted, tiers: tiers, tierChanges: tierChanges, transitionsOfCare: transitionsOfCare,
      utilizationByTier: utilizationByTier, worklist: worklist, topRules: topRules)
  }
}

/// The figures of one population (all patients, or one practice's).
public struct PopulationMetrics: Codable, Equatable, Sendable {
  /// Accepted patients in the population.
  public var patients: Int
  /// Patients per tier (every tier of `tier_order`); adds up to `patients`.
  public var tiers: [String: Int]
  public var tierChanges: TierMovement
  public var transitionsOfCare: TransitionsOfCare
  public var utilizationByTier: [TierUtilization]
  public var worklist: WorklistLoad
  public var topRules: [RuleFiring]
}

/// One practice's figures.
public struct PracticeMetrics: Codable, Equatable, Sendable {
  public var practiceID: String
  /// Accepted patients attributed to the practice without a case manager (whether or not they have open actions).
  public var patientsWithoutCaseManager: Int
  public var figures: PopulationMetrics

  // "practiceId" so that snake_case encoding and decoding round-trip.
  enum CodingKeys: String, CodingKey {
    case practiceID = "practiceId"
    case patientsWithoutCaseManager, figures
  }
}
