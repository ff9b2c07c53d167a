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
  public var weights: [String: Int] { didSet { index() } }
  /// (milder, severe) pairs.
  public var hierarchy: [Hierarchy] { didSet { index() } }
  /// `weights` and `hierarchy` by category position, for the per-patient loop.
  private var weightByCategory: [Int] = []
  private var hierarchyByCategory: [(milder: Int, severe: Int)] = []

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
    index()
  }

  public static func == (a: ValueSet, b: ValueSet) -> Bool {
    (a.name, a.file, a.prefixes, a.categories, a.weights, a.hierarchy)
      == (b.name, b.file, b.prefixes, b.categories, b.weights, b.hierarchy)
  }

  private mutating func index() {
    weightByCategory = categories.map { weights[$0] ?? 0 }
    hierarchyByCategory = hierarchy.compactMap { rule in
      guard let m = categories.firstIndex(of: rule.milder), let s = categories.firstIndex(of: rule.severe) else {
        return nil
      }
      return (m, s)
    }
  }

  /// Positions in `categories` of the categories one normalized code matches; -1 stands for a match in a value set
  /// without categories.
  func categoryPositions(ofCode code: String) -> [Int] {
    categories(ofCode: code).map { categories.firstIndex(of: $0) ?? -1 }
  }

  /// Which categories are present (by position), after the hierarchy.
  func presentPositions(_ codes: [String], positionsOf: (String) -> [Int]) -> [Bool] {
    var present = [Bool](repeating: false, count: categories.count)
    for code in codes {
      for position in positionsOf(code) where position >= 0 { present[position] = true }
    }
    for rule in hierarchyByCategory where present[rule.severe] { present[rule.milder] = false }
    return present
  }

  /// Number of categories present, after the hierarchy.
  func countPresent(_ codes: [String], positionsOf: (String) -> [Int]) -> Int {
    presentPositions(codes, positionsOf: positionsOf).lazy.filter { $0 }.count
  }

  /// Sum of the weights of the categories present, after the hierarchy.
  func weightedSum(_ codes: [String], positionsOf: (String) -> [Int]) -> Int {
    var total = 0
    for (i, present) in presentPositions(codes, positionsOf: positionsOf).enumerated() where present {
      total += weightByCategory[i]
    }
    return total
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
    presentCategories(codes, positionsOf: categoryPositions(ofCode:))
  }

  func presentCategories(_ codes: [String], positionsOf: (String) -> [Int]) -> [String] {
    zip(categories, presentPositions(codes, positionsOf: positionsOf)).filter(\.1).map(\.0)
  }

  /// Sum of the weights of the categories present (after the hierarchy).
  public func weightedSum(_ codes: [String]) -> Int { weightedSum(codes, positionsOf: categoryPositions(ofCode:)) }
}
