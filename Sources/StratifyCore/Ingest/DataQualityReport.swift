/// What the extracts looked like: per file, rows read / accepted / rejected, rejects by reason, unknown columns.
/// Counts and column names only, never patient data, so it can go to logs and the practice report.
public struct DataQualityReport: Sendable, Equatable {
  /// One extract's numbers.
  public struct FileQuality: Sendable, Equatable {
    public var file: String
    public var rowsRead: Int
    public var rowsAccepted: Int
    public var rowsRejected: Int
    /// Non-zero counts only, in `RejectCategory` order.
    public var rejectsByCategory: [CategoryCount]
    public var unknownColumns: [String]
    /// Records over several lines (quoted line breaks), which a quote left open makes.
    public var multiLineRecords = MultiLineRecords()

    /// Rejected share of the data rows (0 for a file without rows).
    public var rejectShare: Double { rowsRead == 0 ? 0 : Double(rowsRejected) / Double(rowsRead) }

    /// Rows rejected for a problem of their own (`RejectCategory.countsTowardThreshold`).
    public var ownRejected: Int {
      rejectsByCategory.filter(\.category.countsTowardThreshold).reduce(0) { $0 + $1.count }
    }

    /// `ownRejected` as a share of the data rows: what the reject threshold applies to.
    public var ownRejectShare: Double { rowsRead == 0 ? 0 : Double(ownRejected) / Double(rowsRead) }
  }

  /// How many rejects of one category.
  public struct CategoryCount: Sendable, Equatable {
    public var category: RejectCategory
    public var count: Int
  }

  /// In contract order: patients, utilization, discharges.
  public var files: [FileQuality]
  /// The threshold the run applies, for the summary.
  public var rejectThreshold: Double

  public var totalRejected: Int { files.reduce(0) { $0 + $1.rowsRejected } }
}
