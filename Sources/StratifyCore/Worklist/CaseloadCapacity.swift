/// How many patients of each tier a case manager can carry (configuration `capacity:`). Patients beyond it are
/// flagged on the list and in the logs, never dropped.
public struct CaseloadCapacity: Sendable, Equatable {
  /// tier → patients, for every case manager without an entry of their own.
  public var defaults: [String: Int]
  /// case_manager_id → (tier → patients).
  public var perCaseManager: [String: [String: Int]]

  public init(defaults: [String: Int] = [:], perCaseManager: [String: [String: Int]] = [:]) {
    self.defaults = defaults
    self.perCaseManager = perCaseManager
  }

  /// The capacity of one list for one tier; nil means unlimited.
  public func limit(list: String, tier: String) -> Int? {
    perCaseManager[list]?[tier] ?? defaults[tier]
  }
}
