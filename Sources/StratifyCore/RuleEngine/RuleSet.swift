/// A checked, compiled rule set: what a run scores with. Built only by `RuleSetLoader`; a rule set with errors never
/// exists as a value, so it can score nobody.
public struct RuleSet: Sendable {
  /// Highest `stratify:` language version this build understands.
  public static let highestSupportedVersion = 1
  /// The largest points one rule or band may give or take away.
  public static let maxPoints = 100_000

  /// The rule file as given (for diagnostics and manifests).
  public var file: String
  public var languageVersion: Int
  public var name: String
  public var version: String
  public var description: String
  /// The rule file's text (a replica for another scoring thread is compiled from it).
  var sourceText: String
  /// sha256 of the rule file's bytes followed by each value-set file's bytes, in the order they are declared.
  public var sha256: String
  public var valueSets: [ValueSet]
  public var features: [FeatureDefinition]
  /// Who is scored at all; the others get no score and the `otherwise` tier (LACE scores only patients with an
  /// index stay).
  public var eligibility: Eligibility?
  public var rules: [ScoringRule]
  public var tiers: [TierDefinition]
  public var actions: [ActionDefinition]
  public var tests: [RuleTestCase]
  /// Fields the rule set reads, as "patient.x", "event.y", "stay.z": what ingest must keep.
  public var usedFields: Set<String>
  /// What the aggregates can match in utilization.csv: which rows ingest must keep.
  public var utilizationReach: UtilizationReach
}

/// An expression as written in the rule file and its compiled form.
public struct CompiledExpression: Sendable {
  public var text: String
  public var location: SourceLocation
  var typed: Typed
  /// Features this expression reads (explain shows their values).
  public var features: [String]

  public var type: ValueType { typed.type }
  public var nullable: Bool { typed.nullable }
}

/// `features:` entry: a named value computed per patient as of the run date.
public struct FeatureDefinition: Sendable {
  public var name: String
  public var expression: CompiledExpression
}

/// `eligibility: { when: condition, otherwise: tier-name }`.
public struct Eligibility: Sendable {
  public var condition: CompiledExpression
  public var otherwiseTier: String
}

/// `scoring:` entry: a points rule (`when` → `points`) or a band rule (first band whose range holds the value).
public struct ScoringRule: Sendable {
  public var id: String
  public var label: String
  public var location: SourceLocation
  public var kind: Kind

  public enum Kind: Sendable {
    case points(when: CompiledExpression, points: Int)
    case bands(of: CompiledExpression, bands: [Band])
  }
}

/// One band of a band rule: an inclusive range of whole numbers (open at either end) and its points.
public struct Band: Sendable, Equatable {
  public var lower: Int?
  public var upper: Int?
  public var points: Int
  public var label: String?
  public var location: SourceLocation

  public func contains(_ value: Int) -> Bool {
    (lower.map { value >= $0 } ?? true) && (upper.map { value <= $0 } ?? true)
  }

  /// "4 or more", "2–3", "1", "at most 0".
  public var rangeText: String {
    switch (lower, upper) {
    case (let l?, let u?) where l == u: return "\(l)"
    case (let l?, let u?): return "\(l)–\(u)"
    case (let l?, nil): return "\(l) or more"
    case (nil, let u?): return "\(u) or less"
    case (nil, nil): return "any value"
    }
  }
}

/// `tiers:` entry; the first whose condition holds wins. The last one is the catch-all.
public struct TierDefinition: Sendable {
  public var name: String
  public var label: String
  public var minScore: Int?
  public var condition: CompiledExpression?
  /// An exclusion tier (hospice, deceased): its patients get no actions.
  public var isExclusion: Bool
  public var location: SourceLocation

  public var isCatchAll: Bool { minScore == nil && condition == nil }
}

/// `actions:` entry: a coordination task for the case manager.
public struct ActionDefinition: Sendable {
  public var id: String
  public var label: String
  public var condition: CompiledExpression
  public var due: CompiledExpression
  /// 1 is the most urgent.
  public var priority: Int
  /// When it holds, the extracts show the action done: it is closed, not listed.
  public var closedWhen: CompiledExpression?
  public var location: SourceLocation
}
