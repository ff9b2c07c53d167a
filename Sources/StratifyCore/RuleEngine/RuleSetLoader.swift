import Foundation
import Yams

/// Reads, checks and compiles a rule file and its value sets. Every problem becomes a `RuleDiagnostic` with
/// `file:line:col`; if there is any error, `load` throws `RuleSetError` and nothing is scored.
public struct RuleSetLoader {
  static let topKeys = [
    "stratify", "name", "version", "description", "value_sets", "features", "eligibility", "scoring", "tiers",
    "actions", "tests",
  ]

  var source: YAMLSource
  let path: String
  let directory: String
  var env = CompileEnvironment()
  var usedFields: Set<String> = []
  var eventReads: [UtilizationReach.Read] = []
  var hashInput: [UInt8] = []
  /// Ids of rules, actions and tiers that failed to load: tests naming them are not reported again.
  var brokenIDs: Set<String> = []
  /// Value sets already read, by file as written (a replica compiles from memory, without reading files again).
  var preloadedValueSets: [String: ValueSet] = [:]

  /// Loads the rule file at `path` (value-set paths are relative to its folder).
  public static func load(path: String) throws -> RuleSet {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw RuleSetError([
        RuleDiagnostic(
          file: path, location: SourceLocation(line: 1, column: 1), message: "rule file not found or unreadable")
      ])
    }
    return try load(text: String(decoding: data, as: UTF8.self), path: path)
  }

  /// Loads a rule set from text (tests); `path` names it in diagnostics and anchors relative value-set paths.
  public static func load(text: String, path: String) throws -> RuleSet {
    var loader = RuleSetLoader(path: path, text: text)
    let ruleSet = loader.run()
    let errors = loader.source.diagnostics.filter { $0.severity == .error }
    if let ruleSet, errors.isEmpty { return ruleSet }
    throw RuleSetError(loader.source.diagnostics.sorted { ($0.location, $0.message) < ($1.location, $1.message) })
  }

  /// A second compilation of `ruleSet` from its text and the value sets it already read: the same definitions with
  /// closures of their own, so that threads scoring side by side never share (and contend for) their reference
  /// counts. nil only if the text no longer compiles, which cannot happen for a text that compiled before.
  static func replica(of ruleSet: RuleSet) -> RuleSet? {
    var loader = RuleSetLoader(path: ruleSet.file, text: ruleSet.sourceText)
    for set in ruleSet.valueSets { loader.preloadedValueSets[set.file] = set }
    guard var copy = loader.run(), !loader.source.diagnostics.contains(where: { $0.severity == .error }) else {
      return nil
    }
    copy.sha256 = ruleSet.sha256
    return copy
  }

  init(path: String, text: String) {
    self.path = path
    directory = (path as NSString).deletingLastPathComponent
    source = YAMLSource(file: path, text: text)
    hashInput = Array(text.utf8)
  }

  mutating func run() -> RuleSet? {
    guard let root = source.compose() else { return nil }
    guard
      let top = source.entries(
        root, of: "the rule file", allowed: Self.topKeys, required: ["stratify", "name", "version", "tiers"])
    else { return nil }
    var node: [String: Node] = [:]
    for entry in top { node[entry.key] = entry.value }

    var languageVersion = 0
    if let v = node["stratify"] {
      if let n = source.int(v, "'stratify' (the language version)") {
        languageVersion = n
        if n > RuleSet.highestSupportedVersion || n < 1 {
          source.error(
            v,
            "unsupported language version \(n); this stratify supports up to version \(RuleSet.highestSupportedVersion)"
          )
          return nil
        }
      }
    }
    let name = node["name"].flatMap { source.string($0, "'name'") } ?? ""
    let version = node["version"].flatMap { source.string($0, "'version'") } ?? ""
    let description = node["description"].flatMap { source.string($0, "'description'") } ?? ""

    if let vs = node["value_sets"] { loadValueSets(vs) }

    // Every feature name first, so a reference to one defined later gets a precise message.
    if let f = node["features"], let mapping = f.mapping {
      env.allFeatureNames = mapping.compactMap { $0.key.string }
    }
    var features: [FeatureDefinition] = []
    if let n = node["features"] { features = loadFeatures(n) }
    var eligibility: Eligibility?
    if let n = node["eligibility"] { eligibility = loadEligibility(n) }
    var rules: [ScoringRule] = []
    if let n = node["scoring"] { rules = loadRules(n) }
    var tiers: [TierDefinition] = []
    if let n = node["tiers"] { tiers = loadTiers(n) }
    env.tierNames = tiers.map { $0.name } + (eligibility.map { [$0.otherwiseTier] } ?? [])
    var actions: [ActionDefinition] = []
    if let n = node["actions"] { actions = loadActions(n) }
    var tests: [RuleTestCase] = []
    if let n = node["tests"] {
      tests = loadTests(n, tiers: env.tierNames, rules: rules, actions: actions, features: features)
    }

    return RuleSet(
      file: path, languageVersion: languageVersion, name: name, version: version, description: description,
      sourceText: source.text, sha256: SHA256.hex(of: hashInput), valueSets: env.valueSets, features: features,
      eligibility: eligibility, rules: rules, tiers: tiers, actions: actions, tests: tests, usedFields: usedFields,
      utilizationReach: UtilizationReach(reads: eventReads))
  }

  /// Compiles one expression in the current environment; an error is reported at its exact character.
  mutating func expression(_ node: Node, _ what: String, allowScore: Bool = false, allowTier: Bool = false)
    -> CompiledExpression?
  {
    guard case .scalar(let scalar) = node else {
      source.error(node, "\(what) must be an expression (a single value), not a list or mapping")
      return nil
    }
    let text = scalar.string
    let map = source.sourceMap(of: node)
    var localEnv = env
    localEnv.allowScore = allowScore
    localEnv.allowTier = allowTier
    do {
      let parsed = try Parser.parse(text)
      let compiler = ExpressionCompiler(env: localEnv, text: text)
      do {
        let typed = try compiler.compile(parsed)
        usedFields.formUnion(compiler.usedFields)
        eventReads += compiler.eventReads
        return CompiledExpression(
          text: text, location: map.location(atOffset: 0), typed: typed, features: compiler.referencedFeatures)
      } catch {
        // An empty message means the error is a consequence of one already reported.
        if !error.message.isEmpty { source.error(at: map.location(atOffset: error.offset), error.message) }
      }
    } catch {
      source.error(at: map.location(atOffset: error.offset), error.message)
    }
    return nil
  }

  /// Compiles a condition: it must be true/false.
  mutating func condition(_ node: Node, _ what: String, allowScore: Bool = false, allowTier: Bool = false)
    -> CompiledExpression?
  {
    guard let e = expression(node, what, allowScore: allowScore, allowTier: allowTier) else { return nil }
    guard e.type == .bool else {
      source.error(at: e.location, "\(what) must be true/false, but this is a \(e.type)")
      return nil
    }
    return e
  }

  /// Checks an id: letters, digits and underscores, unique among `seen`.
  mutating func identifier(_ node: Node, _ what: String, seen: inout Set<String>) -> String? {
    guard let id = source.string(node, what) else { return nil }
    guard !id.isEmpty, id.unicodeScalars.allSatisfy({ $0 == "_" || CharacterSet.alphanumerics.contains($0) }) else {
      source.error(node, "\(what) '\(id)' must be letters, digits and underscores")
      return nil
    }
    guard seen.insert(id).inserted else {
      source.error(node, "duplicate \(what) '\(id)'")
      return nil
    }
    return id
  }
}
