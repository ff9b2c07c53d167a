import Foundation

extension RunMetrics {
  /// `metrics.json`: snake_case keys, sorted, pretty-printed, with a final newline; no timestamps, so the same
  /// night gives the same bytes.
  public var json: String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.keyEncodingStrategy = .convertToSnakeCase
    // Every field is a plain value type; encoding cannot fail.
    let data = (try? encoder.encode(self)) ?? Data()
    return String(decoding: data, as: UTF8.self) + "\n"
  }

  /// Reads a metrics.json this or an earlier build wrote; nil when it is not schema version 1 (an empty `{}` of a
  /// run recorded before metrics existed, or a newer schema).
  public static func decode(json: String) -> RunMetrics? {
    let decoder = JSONDecoder()
    decoder.keyDecodingStrategy = .convertFromSnakeCase
    guard let metrics = try? decoder.decode(RunMetrics.self, from: Data(json.utf8)),
      metrics.schemaVersion == currentSchemaVersion
    else { return nil }
    return metrics
  }
}
