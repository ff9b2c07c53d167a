/// A contract column found in an extract's header: where it sits in each record, and its value map.
struct BoundColumn: Sendable {
  let index: Int
  let spec: ColumnSpec
  /// Lower-cased source value → contract value, when the mapping has one for this column.
  let valueMap: [String: String]?
}

/// The header of one extract resolved against the contract (through the mapping): which field holds which
/// contract column, which header columns are unknown, and how many fields every record must have.
struct HeaderBinding: Sendable {
  let kind: ExtractKind
  /// The header as written (trimmed), for messages.
  let header: [String]
  let fieldCount: Int
  let mapping: ExtractMapping
  /// Header names that are neither contract columns nor mapped; ignored and counted.
  let unknownColumns: [String]
  private let bound: [String: BoundColumn]

  /// Resolves `header`. An explicit mapping wins over a header that already has the contract name (that one then
  /// counts as unknown); two columns mapped the same way, or a missing required column, cannot be read.
  init(header: [String], kind: ExtractKind, mapping: ExtractMapping) throws(IngestError) {
    if header.contains(where: { $0.utf8.contains(0) }) { throw .notUTF8(file: kind.fileName) }
    self.kind = kind
    self.header = header.map { $0.trimmingASCIIWhitespace() }
    self.fieldCount = header.count
    self.mapping = mapping
    let names = self.header.map { ExtractMapping.normalizedHeader($0) }
    var explicit: [String: Int] = [:]
    for (i, name) in names.enumerated() {
      guard let target = mapping.columns[name] else { continue }
      if let first = explicit[target] {
        throw .duplicateColumn(file: kind.fileName, column: target, first: self.header[first], second: self.header[i])
      }
      explicit[target] = i
    }
    var bound: [String: BoundColumn] = [:]
    var unknown: [String] = []
    for (i, name) in names.enumerated() {
      let target: String?
      if let mapped = mapping.columns[name] {
        target = mapped
      } else if explicit[name] == nil, kind.column(named: name) != nil {
        target = name
      } else {
        target = nil
      }
      guard let target, let spec = kind.column(named: target) else {
        unknown.append(self.header[i])
        continue
      }
      if let previous = bound[target] {
        throw .duplicateColumn(
          file: kind.fileName, column: target, first: self.header[previous.index], second: self.header[i])
      }
      bound[target] = BoundColumn(index: i, spec: spec, valueMap: mapping.values[target])
    }
    // A line without one known column is not named: it may be a data row (a headerless export), and no test of its
    // cells' shapes tells a name or a date in some format from a column name. A header with some known columns is
    // a header, and is named with the missing one.
    if bound.isEmpty { throw .noHeader(file: kind.fileName, fields: header.count) }
    for spec in kind.columns where spec.required && bound[spec.name] == nil {
      throw .missingColumn(file: kind.fileName, column: spec.name, header: self.header)
    }
    self.bound = bound
    self.unknownColumns = unknown
  }

  /// The contract column `name` when the header has it.
  subscript(name: String) -> BoundColumn? { bound[name] }

  /// A required contract column (its presence was checked in `init`).
  func required(_ name: String) -> BoundColumn { bound[name]! }
}
