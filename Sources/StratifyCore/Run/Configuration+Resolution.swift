import Foundation

extension Configuration {
  /// The name looked for in the working directory when no `--config` is given.
  public static let defaultFileName = "stratify.yaml"

  /// The configuration every command uses: the configuration file (the explicit `configPath`, else
  /// `cwd/stratify.yaml` when it exists, else none) with the flags on top. Flag paths are relative to `cwd`.
  /// `--input` replaces the file's `input` and its per-file `inputs` alike: it means the canonical layout.
  ///
  /// - Throws: `ConfigurationError` — `.fileNotFound` (66) for an explicit `--config` that does not exist,
  ///   `.invalid` (78) for a bad file, `.invalidFlag` (64) for a bad `--as-of`.
  public static func resolve(
    configPath: String?, input: String?, rules: String?, output: String?, asOf: String?, cwd: String
  ) throws -> Configuration {
    var config: Configuration
    if let configPath {
      config = try load(path: ConfigurationReader.absolute(configPath, in: cwd))
    } else {
      let implicit = ConfigurationReader.absolute(defaultFileName, in: cwd)
      config = FileManager.default.fileExists(atPath: implicit) ? try load(path: implicit) : Configuration()
    }
    if let input {
      config.input = ConfigurationReader.absolute(input, in: cwd)
      config.inputs = [:]
    }
    if let rules { config.rules = ConfigurationReader.absolute(rules, in: cwd) }
    if let output { config.output = ConfigurationReader.absolute(output, in: cwd) }
    if let asOf {
      guard asOf.utf8.count == 10, let day = Day(iso: asOf) else {
        throw ConfigurationError.invalidFlag(flag: "--as-of", value: asOf, expected: "a date YYYY-MM-DD")
      }
      config.asOf = day
    }
    return config
  }
}
