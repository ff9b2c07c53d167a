/// A code list loaded from a CSV beside the rule file: ICD-10-CM code prefixes, each with an optional category,
/// plus (from the rule file) category weights and a hierarchy that drops a milder category when its severe form is
/// present (e.g. diabetes without complications when diabetes with complications is coded).
public struct ValueSet: Sendable, Equatable {
  public var name: String
  /// The CSV file it was read from, as written in the rule file.
  public var file: String
  /// Normalized prefix (upper case, no dots) → categories ("" when the file has no category column).
  public var prefixes: [String: [String]]
  /// Categories in first-seen order.
  public var categories: [String]
  public var weights: [String: Int]
  /// (milder, severe) pairs.
  public var hierarchy: [Hierarchy]

  public struct Hierarchy: Sendable, Equatable {
    public var milder: String
    public var severe: String
  }

  private var prefixLengths: ClosedRange<Int> = 1...1

  public init(
    name: String, file: String, prefixes: [String: [String]], categories: [String], weights: [String: Int] = [:],
    hierarchy: [Hierarchy] = []
  ) {
    self.name = name
    self.file = file
    self.prefixes = prefixes
    self.categories = categories
    self.weights = weights
    self.hierarchy = hierarchy
    let lengths = prefixes.keys.map(\.count)
    prefixLengths = (lengths.min() ?? 1)...(lengths.max() ?? 1)
  }

  /// Upper case, dots and spaces removed: `e11.9` → `E119`.
  public static func normalize(_ code: String) -> String {
    String(code.uppercased().unicodeScalars.filter { $0 != "." && $0 != " " })
  }

  /// Categories matched by one normalized code (prefix match).
  func categories(ofCode code: String) -> [String] {
    var found: [String] = []
    let utf8 = Array(code.utf8)
    guard utf8.count >= prefixLengths.lowerBound else { return [] }
    for length in prefixLengths where length <= utf8.count {
      let prefix = String(decoding: utf8[0..<length], as: UTF8.self)
      if let categories = prefixes[prefix] { found.append(contentsOf: categories) }
    }
    return found
  }

  /// Whether a normalized code starts with any prefix of the set.
  public func contains(code: String) -> Bool { !categories(ofCode: code).isEmpty }

  /// The categories present among normalized codes, after the hierarchy, in the value set's category order.
  public func presentCategories(_ codes: [String]) -> [String] {
    var present = Set<String>()
    for code in codes { present.formUnion(categories(ofCode: code)) }
    for rule in hierarchy where present.contains(rule.severe) { present.remove(rule.milder) }
    return categories.filter { present.contains($0) }
  }

  /// Sum of the weights of the categories present (after the hierarchy).
  public func weightedSum(_ codes: [String]) -> Int {
    presentCategories(codes).reduce(0) { $0 + (weights[$1] ?? 0) }
  }
}
