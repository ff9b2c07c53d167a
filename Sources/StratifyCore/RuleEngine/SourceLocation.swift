/// A position in a rule file: 1-based line and column (columns count Unicode scalars, like libYAML).
public struct SourceLocation: Sendable, Hashable, Comparable, CustomStringConvertible {
  public var line: Int
  public var column: Int

  public init(line: Int, column: Int) {
    self.line = line
    self.column = column
  }

  public static func < (a: SourceLocation, b: SourceLocation) -> Bool { (a.line, a.column) < (b.line, b.column) }

  public var description: String { "\(line):\(column)" }
}

/// Maps offsets inside an expression string back to the rule file, so that an error found by the expression
/// parser or checker points at the exact character in the YAML source.
public struct SourceMap: Sendable {
  /// Location of each Unicode scalar of the expression text (plus one past the end).
  private var locations: [SourceLocation]

  public init(locations: [SourceLocation]) { self.locations = locations }

  /// Every character on one line, starting at `start`.
  public init(singleLineAt start: SourceLocation, length: Int) {
    locations = (0...length).map { SourceLocation(line: start.line, column: start.column + $0) }
  }

  public func location(atOffset offset: Int) -> SourceLocation {
    if locations.isEmpty { return SourceLocation(line: 1, column: 1) }
    return locations[max(0, min(offset, locations.count - 1))]
  }
}
