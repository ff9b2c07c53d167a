/// The three nightly extracts of DATA_CONTRACT.md.
public enum ExtractKind: String, CaseIterable, Sendable, Hashable, Comparable {
  case patients, utilization, discharges

  /// The canonical file name inside an input folder, also the name used in rejects and messages.
  public var fileName: String { rawValue + ".csv" }

  /// The key naming this extract in the configuration (`mapping.utilization`, `inputs.patients`).
  public var key: String { rawValue }

  public init?(fileName: String) {
    guard let kind = ExtractKind.allCases.first(where: { $0.fileName == fileName }) else { return nil }
    self = kind
  }

  /// Contract order: patients, utilization, discharges.
  public static func < (lhs: ExtractKind, rhs: ExtractKind) -> Bool {
    allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
  }
}
