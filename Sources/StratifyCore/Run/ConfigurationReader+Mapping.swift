import Yams

extension ConfigurationReader {
  /// `mapping: { patients|utilization|discharges: { columns, date_format, values } }`.
  func mappings(_ node: Node) throws -> [ExtractKind: ExtractMapping] {
    var result: [ExtractKind: ExtractMapping] = [:]
    for (key, value) in try pairs(node, what: "'mapping'") {
      let name = key.string ?? ""
      guard let kind = ExtractKind(rawValue: name) else {
        throw unknownKey(name, at: key, known: ExtractKind.allCases.map(\.key), in: "'mapping'")
      }
      result[kind] = try mapping(value, kind: kind)
    }
    return result
  }

  private static let mappingKeys = ["columns", "date_format", "values"]

  private func mapping(_ node: Node, kind: ExtractKind) throws -> ExtractMapping {
    let place = "mapping.\(kind.key)"
    var columns: [String: String] = [:]
    var format = DateFormat.iso
    var values: [String: [String: String]] = [:]
    for (key, value) in try pairs(node, what: "'\(place)'") {
      switch key.string ?? "" {
      case "columns":
        for (source, target) in try pairs(value, what: "'\(place).columns'") {
          let column = try contractColumn(target, kind: kind, key: "\(place).columns")
          columns[source.string ?? ""] = column.name
        }
      case "date_format":
        let pattern = try string(value, key: "\(place).date_format", expected: "a date format such as MM/DD/YYYY")
        do {
          format = try DateFormat(pattern: pattern)
        } catch {
          throw self.error(at: value, error.description)
        }
      case "values":
        for (columnNode, map) in try pairs(value, what: "'\(place).values'") {
          let column = try contractColumn(columnNode, kind: kind, key: "\(place).values")
          guard ExtractMapping.acceptsValueMap(column) else {
            throw error(
              at: columnNode,
              "'\(column.name)' cannot have a value map; value maps apply to code and text columns"
                + (column.type == .date ? " (set date_format for dates)" : ""))
          }
          values[column.name] = try valueMap(map, column: column, place: "\(place).values.\(column.name)")
        }
      default:
        throw unknownKey(key.string ?? "", at: key, known: Self.mappingKeys, in: "'\(place)'")
      }
    }
    return ExtractMapping(columns: columns, dateFormat: format, values: values)
  }

  /// A node that must name a contract column of `kind`.
  private func contractColumn(_ node: Node, kind: ExtractKind, key: String) throws -> ColumnSpec {
    let name = try string(node, key: key, expected: "a \(kind.fileName) column")
    guard let column = kind.column(named: name) else {
      var message = "'\(name)' is not a column of \(kind.fileName)"
      let names = kind.columns.map(\.name)
      if let guess = Spelling.closest(to: name, among: names) {
        message += "; did you mean '\(guess)'?"
      } else {
        message += "; expected one of: \(names.joined(separator: ", "))"
      }
      throw error(at: node, message)
    }
    return column
  }

  /// Source value → contract value; for an enumeration or Y/N the target must be a value the contract accepts.
  private func valueMap(_ node: Node, column: ColumnSpec, place: String) throws -> [String: String] {
    var map: [String: String] = [:]
    for (source, target) in try pairs(node, what: "'\(place)'") {
      let text = try string(target, key: "\(place).\(source.string ?? "")", expected: "a value")
      switch column.type {
      case .enumeration(let allowed):
        guard let canonical = allowed.first(where: { $0 == text.lowercased() }) else {
          var message = "'\(text)' is not a \(column.name) value; expected one of: \(allowed.joined(separator: ", "))"
          if let guess = Spelling.closest(to: text, among: allowed) { message += " (did you mean '\(guess)'?)" }
          throw error(at: target, message)
        }
        map[source.string ?? ""] = canonical
      case .yesNo:
        var copy = text
        guard copy.withUTF8({ FieldBytes.yesNo($0) }) != nil else {
          throw error(at: target, "'\(text)' is not a \(column.name) value; expected Y or N")
        }
        map[source.string ?? ""] = text
      default:
        map[source.string ?? ""] = text
      }
    }
    return map
  }
}
