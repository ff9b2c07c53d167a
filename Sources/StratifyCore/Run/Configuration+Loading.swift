import Foundation
import Yams

extension Configuration {
  /// One top-level key: its name and how it sets the configuration. The list in `topLevelKeys` is the single
  /// place that knows which keys exist; adding a key means adding a field and one entry there.
  struct Key: Sendable {
    let name: String
    let apply: @Sendable (inout Configuration, Node, ConfigurationReader) throws -> Void
  }

  /// Every key `stratify.yaml` accepts; anything else is an error with a did-you-mean.
  static let topLevelKeys: [Key] = [
    Key(name: "input") { config, node, reader in config.input = try reader.path(node, key: "input") },
    Key(name: "inputs") { config, node, reader in config.inputs = try reader.extractPaths(node) },
    Key(name: "output") { config, node, reader in config.output = try reader.path(node, key: "output") },
    Key(name: "rules") { config, node, reader in config.rules = try reader.path(node, key: "rules") },
    Key(name: "as_of") { config, node, reader in config.asOf = try reader.day(node, key: "as_of") },
    Key(name: "reject_threshold") { config, node, reader in
      config.rejectThreshold = try reader.share(node, key: "reject_threshold")
    },
    Key(name: "mapping") { config, node, reader in config.mappings = try reader.mappings(node) },
    Key(name: "holidays") { config, node, reader in config.holidays = try reader.holidays(node) },
    Key(name: "capacity") { config, node, reader in config.capacity = try reader.capacity(node) },
    Key(name: "keep_runs") { config, node, reader in
      config.keepRuns = try reader.integer(node, key: "keep_runs", minimum: 1)
    },
    Key(name: "templates") { config, node, reader in config.templates = try reader.path(node, key: "templates") },
    Key(name: "metrics_path") { config, node, reader in
      config.metricsPath = try reader.path(node, key: "metrics_path")
    },
    Key(name: "reports") { config, node, reader in config.reports = try reader.reportSettings(node) },
  ]

  /// Reads a configuration file.
  ///
  /// - Throws: `ConfigurationError.fileNotFound` (66) when it does not exist; `.invalid` (78) with
  ///   `file:line:col` for YAML syntax, unknown keys, wrong types and bad values.
  public static func load(path: String) throws -> Configuration {
    guard FileManager.default.fileExists(atPath: path) else { throw ConfigurationError.fileNotFound(path: path) }
    guard let data = FileManager.default.contents(atPath: path) else {
      throw ConfigurationError.unreadable(path: path, reason: "permission denied or not a regular file")
    }
    let text = String(decoding: data, as: UTF8.self)
    let folder = (path as NSString).deletingLastPathComponent
    return try parse(yaml: text, file: path, relativeTo: folder.isEmpty ? "." : folder)
  }

  /// Parses configuration text; `file` names it in diagnostics, relative paths are resolved against `folder`.
  public static func parse(yaml: String, file: String, relativeTo folder: String) throws -> Configuration {
    let reader = ConfigurationReader(file: file, folder: folder)
    let root: Node?
    do {
      // Scalars are read from their text, as the rule files' are (`YAMLSource.compose()`).
      root = try Yams.compose(yaml: yaml, .basic)
    } catch let error as YamlError {
      throw reader.diagnostic(for: error, text: yaml)
    }
    var config = Configuration(sourcePath: file)
    guard let root else { return config }
    let keys = Dictionary(uniqueKeysWithValues: topLevelKeys.map { ($0.name, $0) })
    for (keyNode, value) in try reader.pairs(root, what: "the configuration") {
      let name = keyNode.string ?? ""
      guard let key = keys[name] else {
        throw reader.unknownKey(name, at: keyNode, known: topLevelKeys.map(\.name), in: "the configuration")
      }
      try key.apply(&config, value, reader)
    }
    return config
  }
}
