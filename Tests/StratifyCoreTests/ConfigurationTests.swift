import Foundation
import Testing

@testable import StratifyCore

@Suite struct ConfigurationTests {
  /// Parses `yaml` as `/cfg/stratify.yaml` and returns the diagnostic it fails with.
  func diagnostic(_ yaml: String) -> String? {
    do {
      _ = try Configuration.parse(yaml: yaml, file: "/cfg/stratify.yaml", relativeTo: "/cfg")
      return nil
    } catch let error as ConfigurationError {
      #expect(error.exitStatus == .configuration)
      return error.description
    } catch {
      return "unexpected \(error)"
    }
  }

  @Test func readsEveryKey() throws {
    let config = try Configuration.parse(
      yaml: """
        input: SampleData
        inputs: { discharges: /data/stays.csv }
        output: ../out
        rules: Rules/default.yaml
        as_of: 2026-11-21
        reject_threshold: 0.05
        mapping:
          discharges:
            columns: { disch_dt: discharge_date }
            values: { disposition: { "Home Health": home_health } }
        """, file: "/cfg/stratify.yaml", relativeTo: "/cfg")
    #expect(config.input == "/cfg/SampleData")
    #expect(config.inputs == [.discharges: "/data/stays.csv"])
    #expect(config.output == "/cfg/../out")
    #expect(config.rules == "/cfg/Rules/default.yaml")
    #expect(config.asOf == Day(iso: "2026-11-21"))
    #expect(config.rejectThreshold == 0.05)
    #expect(config.mappings[.discharges]?.columns == ["disch_dt": "discharge_date"])
    #expect(config.mappings[.discharges]?.values == ["disposition": ["home health": "home_health"]])
    let paths = try config.inputPaths()
    #expect(paths.patients == "/cfg/SampleData/patients.csv")
    #expect(paths.discharges == "/data/stays.csv")
    #expect(config.ingestOptions().rejectThreshold == 0.05)
  }

  @Test(arguments: [
    ("input: a\ninptu: b\n", "/cfg/stratify.yaml:2:1: error: unknown key 'inptu' in the configuration; did you mean 'input'?"),
    ("reject_treshold: 0.1\n", "1:1: error: unknown key 'reject_treshold' in the configuration; did you mean 'reject_threshold'?"),
    ("mapping:\n  utilization:\n    colums: {}\n", "3:5: error: unknown key 'colums' in 'mapping.utilization'; did you mean 'columns'?"),
    ("mapping:\n  visits: {}\n", "2:3: error: unknown key 'visits' in 'mapping'; expected one of: patients, utilization, discharges"),
    ("inputs:\n  patient: p.csv\n", "2:3: error: unknown key 'patient' in 'inputs'; did you mean 'patients'?"),
  ])
  func refusesUnknownKeysWithTheirPosition(yaml: String, expected: String) {
    let message = diagnostic(yaml)
    #expect(message?.hasSuffix(expected) == true, "\(message ?? "no error")")
  }

  @Test(arguments: [
    ("reject_threshold: high\n", "1:19: error: expected a share between 0 and 1 (0.01 = 1%) for 'reject_threshold', found 'high'"),
    ("reject_threshold: 5\n", "1:19: error: expected a share between 0 and 1"),
    ("output: { a: b }\n", "1:9: error: expected a path for 'output', found a mapping"),
    ("input:\n", "1:7: error: expected a path for 'input', found nothing"),
    ("as_of: 2026-02-30\n", "1:8: error: expected a date (YYYY-MM-DD) for 'as_of', found '2026-02-30'"),
    ("mapping: [patients]\n", "1:10: error: expected a mapping for 'mapping', found a list"),
    ("- input\n", "1:1: error: expected a mapping for the configuration, found a list"),
  ])
  func refusesWrongTypesAtTheValue(yaml: String, expected: String) {
    let message = diagnostic(yaml)
    #expect(message?.contains(expected) == true, "\(message ?? "no error")")
  }

  @Test(arguments: [
    (
      "mapping:\n  utilization:\n    columns: { visit_date: event_dat }\n",
      "3:28: error: 'event_dat' is not a column of utilization.csv; did you mean 'event_date'?"
    ),
    (
      "mapping:\n  utilization:\n    values:\n      event_type: { er: emergency }\n",
      "4:25: error: 'emergency' is not a event_type value; expected one of: ed, urgent_care"
    ),
    (
      "mapping:\n  patients:\n    values:\n      birth_date: { x: y }\n",
      "4:7: error: 'birth_date' cannot have a value map"
    ),
    (
      "mapping:\n  patients:\n    date_format: DD-MON-YYYY\n",
      "3:18: error: invalid date format 'DD-MON-YYYY': unknown token 'MON'"
    ),
    // At the second occurrence, however it is spelled.
    ("input: a\ninput: b\n", "2:1: error: duplicate key 'input'"),
    ("input: a\n'input': b\n", "2:1: error: duplicate key 'input'"),
    ("reports:\n  per_practice: files\n  \"per_practice\": sections\n", "3:3: error: duplicate key 'per_practice'"),
    ("input: [a\n", "error: invalid YAML"),
  ])
  func refusesBadMappingsAtTheirPosition(yaml: String, expected: String) {
    let message = diagnostic(yaml)
    #expect(message?.contains(expected) == true, "\(message ?? "no error")")
  }

  @Test func resolvesRelativePathsAgainstTheConfigFolderAndFlagsAgainstTheWorkingDirectory() throws {
    let folder = try TestFolder()
    defer { folder.remove() }
    try folder.write(
      "etc/stratify.yaml",
      "input: data\ninputs: { patients: p.csv }\noutput: out\nrules: r.yaml\nas_of: 2026-01-01\n")
    let fromFile = try Configuration.resolve(
      configPath: "etc/stratify.yaml", input: nil, rules: nil, output: nil, asOf: nil, cwd: folder.path)
    #expect(fromFile.sourcePath == folder.path + "/etc/stratify.yaml")
    #expect(fromFile.input == folder.path + "/etc/data")
    #expect(fromFile.inputs == [.patients: folder.path + "/etc/p.csv"])
    #expect(fromFile.output == folder.path + "/etc/out")

    let overridden = try Configuration.resolve(
      configPath: "etc/stratify.yaml", input: "in", rules: "/abs/rules.yaml", output: "o", asOf: "2026-11-21",
      cwd: folder.path)
    #expect(overridden.input == folder.path + "/in")
    #expect(overridden.inputs.isEmpty)
    #expect(try overridden.inputPaths().patients == folder.path + "/in/patients.csv")
    #expect(overridden.rules == "/abs/rules.yaml")
    #expect(overridden.output == folder.path + "/o")
    #expect(overridden.asOf == Day(iso: "2026-11-21"))
  }

  @Test func usesStratifyYamlInTheWorkingDirectoryOnlyWhenPresent() throws {
    let folder = try TestFolder()
    defer { folder.remove() }
    let none = try Configuration.resolve(configPath: nil, input: "x", rules: nil, output: nil, asOf: nil, cwd: folder.path)
    #expect(none.sourcePath == nil)
    #expect(none.input == folder.path + "/x")
    try folder.write("stratify.yaml", "reject_threshold: 0.2\n")
    let found = try Configuration.resolve(configPath: nil, input: nil, rules: nil, output: nil, asOf: nil, cwd: folder.path)
    #expect(found.rejectThreshold == 0.2)
    let error = #expect(throws: ConfigurationError.self) { try found.inputPaths() }
    #expect(error?.exitStatus == .usage)
    #expect(error?.description.contains("--input") == true)
  }

  @Test func anExplicitConfigThatDoesNotExistExits66() {
    let error = #expect(throws: ConfigurationError.self) {
      try Configuration.resolve(configPath: "/nope/s.yaml", input: nil, rules: nil, output: nil, asOf: nil, cwd: "/")
    }
    #expect(error == .fileNotFound(path: "/nope/s.yaml"))
    #expect(error?.exitStatus == .noInput)
  }

  @Test func aBadAsOfFlagIsAUsageError() {
    let error = #expect(throws: ConfigurationError.self) {
      try Configuration.resolve(configPath: nil, input: nil, rules: nil, output: nil, asOf: "21/11/2026", cwd: "/")
    }
    #expect(error?.exitStatus == .usage)
    #expect(error?.description.contains("--as-of") == true)
  }
}
