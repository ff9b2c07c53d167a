import Foundation
import GRDB
import StratifyCore
import Testing

/// The nightly run end to end, on the real binary: outputs, re-runs, status across nights, the lock, exit codes,
/// and runs killed with SIGKILL at several points.
@Suite(.serialized) struct RunCLITests {
  static let rules = NightlyFixture.rules

  /// A temporary folder with a small sample panel in `in/`.
  func workspace(seed: Int = 3) throws -> TemporaryDirectory {
    try NightlyFixture.workspace(patients: 400, seed: seed)
  }

  func run(_ dir: TemporaryDirectory, asOf: String = "2026-11-20", input: String = "in", extra: [String] = [])
    throws -> BinaryRunner.Result
  {
    try NightlyFixture.run(dir, asOf: asOf, input: input, extra: extra)
  }

  /// Every file under a folder with its bytes (symlinks as their target).
  func snapshot(_ path: String) -> [String: Data] {
    var files: [String: Data] = [:]
    guard let names = FileManager.default.subpaths(atPath: path) else { return files }
    for name in names {
      let full = path + "/" + name
      if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: full) {
        files[name] = Data(target.utf8)
        continue
      }
      var isDir: ObjCBool = false
      if FileManager.default.fileExists(atPath: full, isDirectory: &isDir), !isDir.boolValue, !name.hasSuffix(".lock") {
        files[name] = FileManager.default.contents(atPath: full)
      }
    }
    return files
  }

  func csv(_ path: String) throws -> [[String: String]] {
    var rows: [[String: String]] = []
    var header: [String] = []
    _ = try CSVReader(path: path).read { record in
      if header.isEmpty {
        header = record.strings
      } else {
        rows.append(Dictionary(uniqueKeysWithValues: zip(header, record.strings)))
      }
    }
    return rows
  }

  @Test func runWritesEveryOutputWithTheContractColumnsAndPermissions() throws {
    let dir = try workspace()
    defer { dir.remove() }
    let result = try run(dir)
    #expect(result.status == 0, "\(result.stderr)")
    let runDir = dir.path("out/runs/2026-11-20")
    for file in ["scores.csv", "worklist.csv", "worklist.html", "rejects.csv", "manifest.json"] {
      #expect(FileManager.default.fileExists(atPath: runDir + "/" + file), "\(file)")
    }
    #expect(try FileManager.default.destinationOfSymbolicLink(atPath: dir.path("out/latest")) == "runs/2026-11-20")
    #expect(FileManager.default.fileExists(atPath: dir.path("out/history.sqlite")))
    let scores = try String(contentsOfFile: runDir + "/scores.csv", encoding: .utf8)
    #expect(scores.hasPrefix("patient_id,score,tier,"))
    let worklist = try String(contentsOfFile: runDir + "/worklist.csv", encoding: .utf8)
    #expect(worklist.hasPrefix("case_manager_id,patient_id,action,due_date,tier,score,"))
    let lists = try FileManager.default.contentsOfDirectory(atPath: runDir + "/worklists")
    #expect(!lists.isEmpty)
    let rows = try csv(runDir + "/worklist.csv")
    #expect(!rows.isEmpty)
    #expect(Set(rows.map { $0["list"]! + ".csv" }) == Set(lists))
    let attributes = try FileManager.default.attributesOfItem(atPath: runDir + "/worklist.csv")
    #expect((attributes[.posixPermissions] as? Int) == 0o640)
    let folderAttributes = try FileManager.default.attributesOfItem(atPath: runDir)
    #expect((folderAttributes[.posixPermissions] as? Int) == 0o750)
    // No patient data in the log lines.
    let verbose = try run(dir, extra: ["--verbose"])
    let names = try csv(dir.path("in/patients.csv")).prefix(50).flatMap { [$0["last_name"]!, $0["phone"]!] }
    for value in names where !value.isEmpty { #expect(!verbose.stderr.contains(value), "\(value) in the log") }
  }

  @Test func reRunningTheSameDateGivesByteIdenticalFilesAndOneHistoryEntry() throws {
    let dir = try workspace()
    defer { dir.remove() }
    #expect(try run(dir).status == 0)
    var first = snapshot(dir.path("out/runs/2026-11-20"))
    #expect(try run(dir).status == 0)
    var second = snapshot(dir.path("out/runs/2026-11-20"))
    #expect(first.removeValue(forKey: "manifest.json") != second.removeValue(forKey: "manifest.json"))
    #expect(first == second)
    #expect(try HistoryStore(path: dir.path("out/history.sqlite")).publishedAsOfs() == ["2026-11-20"])
  }

  @Test func theStatusColumnFollowsTheListAcrossNights() throws {
    let dir = try workspace()
    defer { dir.remove() }
    #expect(try run(dir, asOf: "2026-11-20").status == 0)
    #expect(try run(dir, asOf: "2026-11-23").status == 0)
    let friday = try csv(dir.path("out/runs/2026-11-20/worklist.csv"))
    let monday = try csv(dir.path("out/runs/2026-11-23/worklist.csv"))
    #expect(friday.allSatisfy { $0["status"] == "new" && $0["days_on_list"] == "0" })
    let before = Dictionary(
      friday.map { ($0["patient_id"]! + "/" + $0["action"]!, $0) }, uniquingKeysWith: { a, _ in a })
    var carried = 0
    for row in monday {
      let key = row["patient_id"]! + "/" + row["action"]!
      if let old = before[key] {
        #expect(row["status"] != "new", "\(key)")
        #expect(row["days_on_list"] == "3")
        if old["tier"] == row["tier"] { #expect(row["status"] == "carried") }
        carried += 1
      } else {
        #expect(row["status"] == "new")
      }
    }
    #expect(carried > 0)
    #expect(try FileManager.default.destinationOfSymbolicLink(atPath: dir.path("out/latest")) == "runs/2026-11-23")
  }

  @Test func aSecondRunWhileTheLockIsHeldExits75AndChangesNothing() throws {
    let dir = try workspace()
    defer { dir.remove() }
    #expect(try run(dir).status == 0)
    let before = snapshot(dir.path("out"))
    let lock = try RunLock(path: dir.path("out/stratify.lock"))
    let result = try run(dir, asOf: "2026-11-21")
    withExtendedLifetime(lock) {}
    #expect(result.status == 75)
    #expect(result.stderr.contains("another stratify run holds the lock"))
    #expect(snapshot(dir.path("out")) == before)
  }

  @Test func badInputsGiveTheirExitCodesAndKeepTheLastGoodRun() throws {
    let dir = try workspace()
    defer { dir.remove() }
    #expect(try run(dir).status == 0)
    // The stable Prometheus file is the one output a failed run rewrites (with its exit status): ReportsCLITests.
    let good = snapshot(dir.path("out")).filter { $0.key != "metrics.prom" }
    // A rule error: 78, before any data is read.
    try dir.write("bad.yaml", "stratify: 1\nname: x\nversion: '1'\ntiers:\n  - { name: low, min_score: 1 }\n")
    let rules = try BinaryRunner.run(
      ["run", "--input", dir.path("in"), "--rules", dir.path("bad.yaml"), "--output", dir.path("out"), "--quiet"])
    #expect(rules.status == 78)
    #expect(rules.stderr.contains("bad.yaml:5:5: error:"))
    // A broken CSV: 65.
    try FileManager.default.copyItem(atPath: dir.path("in"), toPath: dir.path("broken"))
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: dir.path("broken/utilization.csv")))
    handle.seekToEndOfFile()
    handle.write(Data("P0000001,2026-11-01,\"office\n".utf8))
    try handle.close()
    let broken = try run(dir, input: "broken")
    #expect(broken.status == 65)
    #expect(broken.stderr.contains("utilization.csv"))
    // A missing file: 66.
    try FileManager.default.removeItem(atPath: dir.path("broken/discharges.csv"))
    #expect(try run(dir, input: "broken").status == 66)
    #expect(snapshot(dir.path("out")).filter { $0.key != "metrics.prom" } == good)
    // An output that cannot be created: 73.
    try dir.write("file", "x")
    let unwritable = try BinaryRunner.run(
      ["run", "--input", dir.path("in"), "--rules", Self.rules, "--output", dir.path("file/out"), "--quiet"])
    #expect(unwritable.status == 73)
  }

  /// The history is opened while the extracts are read; one that cannot be opened is still the error reported
  /// (73), also when the extracts are bad too, and the last good run stays published.
  @Test func anUnreadableHistoryExits73EvenWithBadExtracts() throws {
    let dir = try workspace()
    defer { dir.remove() }
    #expect(try run(dir).status == 0)
    try dir.write("out/history.sqlite", String(repeating: "not a database\n", count: 400))
    let good = snapshot(dir.path("out")).filter { $0.key != "metrics.prom" }
    let result = try run(dir, asOf: "2026-11-23")
    #expect(result.status == 73)
    #expect(result.stderr.contains("history store"), "\(result.stderr)")
    try FileManager.default.removeItem(atPath: dir.path("in/discharges.csv"))
    let both = try run(dir, asOf: "2026-11-23")
    #expect(both.status == 73)
    #expect(both.stderr.contains("history store"), "\(both.stderr)")
    #expect(snapshot(dir.path("out")).filter { $0.key != "metrics.prom" } == good)
  }

  /// Starts a run that stops at `checkpoint`, waits for it to get there, and kills it with SIGKILL.
  func killRun(_ dir: TemporaryDirectory, at checkpoint: String, input: String, asOf: String) throws {
    let process = Process()
    process.executableURL = BinaryRunner.binaryURL
    process.arguments = [
      "run", "--input", dir.path(input), "--rules", Self.rules, "--output", dir.path("out"), "--as-of", asOf, "--quiet",
    ]
    var environment = ProcessInfo.processInfo.environment
    environment["STRATIFY_TEST_PAUSE_AT"] = checkpoint
    process.environment = environment
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    let marker = dir.path("out/.paused-\(checkpoint)")
    let deadline = Date().addingTimeInterval(120)
    while !FileManager.default.fileExists(atPath: marker), process.isRunning, Date() < deadline {
      usleep(20_000)
    }
    #expect(FileManager.default.fileExists(atPath: marker), "the run never reached \(checkpoint)")
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
    #expect(process.terminationReason == .uncaughtSignal)
  }

  @Test(arguments: ["ingested", "staging-written", "history-pending"])
  func aRunKilledBeforePublishingLeavesThePreviousOutputsAndHistoryIntact(checkpoint: String) throws {
    let dir = try workspace()
    defer { dir.remove() }
    _ = try BinaryRunner.run([
      "sample", "--patients", "450", "--seed", "99", "--as-of", "2026-11-20", "--output", dir.path("in2"),
    ])
    #expect(try run(dir).status == 0)
    let published = snapshot(dir.path("out/runs"))
    let latest = try FileManager.default.destinationOfSymbolicLink(atPath: dir.path("out/latest"))
    try killRun(dir, at: checkpoint, input: "in2", asOf: "2026-11-20")
    #expect(snapshot(dir.path("out/runs")) == published)
    #expect(try FileManager.default.destinationOfSymbolicLink(atPath: dir.path("out/latest")) == latest)
    #expect(try HistoryStore(path: dir.path("out/history.sqlite")).publishedAsOfs() == ["2026-11-20"])
    // The next run cleans up and succeeds.
    #expect(try run(dir, asOf: "2026-11-23").status == 0)
    let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path("out")).filter { $0.hasPrefix(".") }
    #expect(leftovers.isEmpty, "\(leftovers)")
    #expect(try HistoryStore(path: dir.path("out/history.sqlite")).publishedAsOfs() == ["2026-11-20", "2026-11-23"])
    #expect(
      snapshot(dir.path("out/runs/2026-11-20"))
        == published.filter { $0.key.hasPrefix("2026-11-20/") }.reduce(into: [:]) {
          $0[String($1.key.dropFirst("2026-11-20/".count))] = $1.value
        })
  }

  @Test func aRunKilledAfterTheFolderSwapIsCompletedInTheHistoryByTheNextRun() throws {
    let dir = try workspace()
    defer { dir.remove() }
    _ = try BinaryRunner.run([
      "sample", "--patients", "450", "--seed", "99", "--as-of", "2026-11-20", "--output", dir.path("in2"),
    ])
    #expect(try run(dir).status == 0)
    try killRun(dir, at: "published", input: "in2", asOf: "2026-11-20")
    // The new folder is in place (the rename is the publishing instant) and names the run that made it.
    let uid = Manifest.runUID(atPath: dir.path("out/runs/2026-11-20/manifest.json"))
    #expect(uid != nil)
    #expect(try run(dir, asOf: "2026-11-23", input: "in2").status == 0)
    #expect(try HistoryStore(path: dir.path("out/history.sqlite")).publishedAsOfs() == ["2026-11-20", "2026-11-23"])
  }

  /// An event file with a header and no rows runs (a new practice may have no stays) but says so: more often the
  /// feed broke, and every rule reading the file sees nothing.
  @Test func anEventFileWithoutRowsRunsWithAWarning() throws {
    let dir = try workspace()
    defer { dir.remove() }
    let header = try String(contentsOfFile: dir.path("in/discharges.csv"), encoding: .utf8).prefix { $0 != "\n" }
    _ = try dir.write("in/discharges.csv", header + "\n")
    let result = try run(dir)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stderr.contains("warning"), "\(result.stderr)")
    #expect(result.stderr.contains("discharges.csv has a header but no data rows"), "\(result.stderr)")
    #expect(!result.stderr.contains("utilization.csv has a header"))
  }

  @Test func aConfigurationFileDrivesTheRunAndKeepRunsPrunesOldRuns() throws {
    let dir = try workspace()
    defer { dir.remove() }
    try dir.write(
      "stratify.yaml",
      """
      input: in
      output: out
      rules: \(Self.rules)
      keep_runs: 1
      capacity: { default: { rising: 1 } }
      holidays: { base: us_federal, add: [2026-11-27] }
      """)
    for day in ["2026-11-18", "2026-11-19", "2026-11-20"] {
      let result = try BinaryRunner.run(["run", "--config", dir.path("stratify.yaml"), "--as-of", day, "--quiet"])
      #expect(result.status == 0, "\(result.stderr)")
    }
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path("out/runs")).sorted() == ["2026-11-20"])
    // The history keeps every run's summary, and the patient rows of the kept run and the night before it, which a
    // re-run of the kept night still compares with.
    func history() throws -> ([String], [String]) {
      try DatabaseQueue(path: dir.path("out/history.sqlite")).read { db in
        (
          try String.fetchAll(db, sql: "SELECT as_of FROM run ORDER BY as_of"),
          try String.fetchAll(
            db, sql: "SELECT DISTINCT as_of FROM patient_score JOIN run ON run.id = run_id ORDER BY as_of")
        )
      }
    }
    #expect(try history() == (["2026-11-18", "2026-11-19", "2026-11-20"], ["2026-11-19", "2026-11-20"]))
    let rerun = try BinaryRunner.run(["run", "--config", dir.path("stratify.yaml"), "--as-of", "2026-11-20", "--quiet"])
    #expect(rerun.status == 0, "\(rerun.stderr)")
    #expect(try history() == (["2026-11-18", "2026-11-19", "2026-11-20"], ["2026-11-19", "2026-11-20"]))
    let metrics = try String(contentsOfFile: dir.path("out/latest/metrics.json"), encoding: .utf8)
    #expect(metrics.contains(#""previous_run" : "2026-11-19""#), "\(metrics.prefix(400))")
    let rows = try csv(dir.path("out/latest/worklist.csv"))
    let rising = rows.filter { $0["tier"] == "rising" }
    // Capacity flags, never drops: every list's second rising patient onwards is flagged.
    for (_, listRows) in Dictionary(grouping: rising, by: { $0["list"]! }) {
      let patients = listRows.map { $0["patient_id"]! }.reduce(into: [String]()) {
        if !$0.contains($1) { $0.append($1) }
      }
      for row in listRows {
        #expect(row["over_capacity"] == (row["patient_id"] == patients[0] ? "no" : "yes"))
      }
    }
    let bad = try dir.write("bad.yaml", "input: in\nkeep_rusn: 2\n")
    let result = try BinaryRunner.run(["run", "--config", bad.path, "--quiet"])
    #expect(result.status == 78)
    #expect(result.stderr.contains("bad.yaml:2:1: error: unknown key 'keep_rusn'"), "\(result.stderr)")
  }
}
