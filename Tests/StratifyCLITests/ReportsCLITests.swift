import Foundation
import StratifyCore
import Testing

/// The practice managers' outputs end to end, on the real binary: report.html, metrics.json and metrics.prom in the
/// run folder, the stable Prometheus file after successes and failures, byte-identical re-runs.
@Suite(.serialized) struct ReportsCLITests {
  static let rules = NightlyFixture.rules

  func workspace() throws -> TemporaryDirectory { try NightlyFixture.workspace(patients: 300, seed: 5) }

  func run(_ dir: TemporaryDirectory, asOf: String = "2026-11-20", input: String = "in", extra: [String] = [])
    throws -> BinaryRunner.Result
  {
    try NightlyFixture.run(dir, asOf: asOf, input: input, extra: extra)
  }

  /// name{labels} → value of a Prometheus textfile.
  func samples(_ path: String) throws -> [String: Double] {
    var values: [String: Double] = [:]
    for line in try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n") where !line.hasPrefix("#") {
      let parts = line.split(separator: " ")
      values[String(parts[0])] = Double(parts[1])
    }
    return values
  }

  func rows(_ path: String) throws -> Int {
    var count = -1
    _ = try CSVReader(path: path).read { _ in count += 1 }
    return count
  }

  @Test func aRunWritesTheReportTheMetricsAndTheStablePrometheusFile() throws {
    let dir = try workspace()
    defer { dir.remove() }
    let result = try run(dir)
    #expect(result.status == 0, "\(result.stderr)")
    let runDir = dir.path("out/runs/2026-11-20")
    for file in ["report.html", "metrics.json", "metrics.prom"] {
      #expect(FileManager.default.fileExists(atPath: runDir + "/" + file), "\(file)")
    }
    let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: runDir + "/metrics.json")))
    let metrics = try #require(json as? [String: Any])
    #expect(metrics["schema_version"] as? Int == 1)
    #expect(metrics["as_of"] as? String == "2026-11-20")
    let patients = try #require(metrics["patients"] as? [String: Int])
    #expect((metrics["tiers"] as? [String: Int])?.values.reduce(0, +) == patients["accepted"])
    #expect(try rows(dir.path("in/patients.csv")) == patients["read"])
    #expect((metrics["rejects"] as? [String: Int])?.values.reduce(0, +) == (try rows(runDir + "/rejects.csv")))
    let worklist = try #require(metrics["worklist"] as? [String: Any])
    #expect(worklist["items"] as? Int == (try rows(runDir + "/worklist.csv")))

    let stable = try samples(dir.path("out/metrics.prom"))
    #expect(stable["stratify_last_run_exit_status"] == 0)
    #expect((stable["stratify_last_success_timestamp_seconds"] ?? 0) > 1_700_000_000)
    #expect(stable["stratify_run_duration_seconds"] != nil)
    #expect(stable["stratify_worklist_items"] == Double(worklist["items"] as? Int ?? -1))
    let inRun = try samples(runDir + "/metrics.prom")
    #expect(inRun["stratify_last_success_timestamp_seconds"] == nil)
    #expect(inRun["stratify_rows_read{file=\"utilization.csv\"}"] == Double(try rows(dir.path("in/utilization.csv"))))

    let html = try String(contentsOfFile: runDir + "/report.html", encoding: .utf8)
    #expect(html.contains("Practice report — All practices — 2026-11-20"))
    #expect(!html.contains("<script"))
  }

  @Test func reRunsAreByteIdenticalAndAFailedRunUpdatesOnlyTheExitStatus() throws {
    let dir = try workspace()
    defer { dir.remove() }
    #expect(try run(dir).status == 0)
    let runDir = dir.path("out/runs/2026-11-20")
    func read(_ name: String) -> Data? { FileManager.default.contents(atPath: runDir + "/" + name) }
    let first = ["report.html", "metrics.json", "metrics.prom"].map(read)
    let good = try samples(dir.path("out/metrics.prom"))
    sleep(1)
    #expect(try run(dir).status == 0)
    #expect(["report.html", "metrics.json", "metrics.prom"].map(read) == first)
    let rerun = try samples(dir.path("out/metrics.prom"))
    #expect(rerun["stratify_last_success_timestamp_seconds"]! > good["stratify_last_success_timestamp_seconds"]!)

    // A broken CSV: exit 65, no run folder, and the stable file says so while keeping the last success.
    try FileManager.default.copyItem(atPath: dir.path("in"), toPath: dir.path("broken"))
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: dir.path("broken/utilization.csv")))
    handle.seekToEndOfFile()
    handle.write(Data("P0000001,2026-11-01,\"office\n".utf8))
    try handle.close()
    sleep(1)
    #expect(try run(dir, asOf: "2026-11-23", input: "broken").status == 65)
    #expect(!FileManager.default.fileExists(atPath: dir.path("out/runs/2026-11-23")))
    var failed = try samples(dir.path("out/metrics.prom"))
    #expect(failed.removeValue(forKey: "stratify_last_run_exit_status") == 65)
    #expect(
      failed.removeValue(forKey: "stratify_last_run_timestamp_seconds")! > rerun["stratify_last_run_timestamp_seconds"]!
    )
    var kept = rerun
    kept["stratify_last_run_exit_status"] = nil
    kept["stratify_last_run_timestamp_seconds"] = nil
    #expect(failed == kept)

    // A missing input file: 66.
    try FileManager.default.removeItem(atPath: dir.path("broken/discharges.csv"))
    #expect(try run(dir, asOf: "2026-11-23", input: "broken").status == 66)
    #expect(try samples(dir.path("out/metrics.prom"))["stratify_last_run_exit_status"] == 66)

    // The next good night compares with the last published one and draws two runs of trends.
    #expect(try run(dir, asOf: "2026-11-23").status == 0)
    let html = try String(contentsOfFile: dir.path("out/runs/2026-11-23/report.html"), encoding: .utf8)
    #expect(html.contains("compared with the run of 2026-11-20"))
    #expect(html.contains("Trends — last 2 runs"))
    #expect(try samples(dir.path("out/metrics.prom"))["stratify_last_run_exit_status"] == 0)
  }

  @Test func theConfigurationPlacesTheStableFileAndSplitsPracticesIntoFiles() throws {
    let dir = try workspace()
    defer { dir.remove() }
    try dir.write(
      "stratify.yaml",
      """
      input: in
      output: out
      rules: \(Self.rules)
      metrics_path: textfiles/stratify.prom
      reports: { per_practice: files }
      """)
    // node_exporter's textfile folder exists before stratify writes into it.
    try FileManager.default.createDirectory(atPath: dir.path("textfiles"), withIntermediateDirectories: true)
    let result = try BinaryRunner.run([
      "run", "--config", dir.path("stratify.yaml"), "--as-of", "2026-11-20", "--quiet",
    ])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(!FileManager.default.fileExists(atPath: dir.path("out/metrics.prom")))
    #expect(try samples(dir.path("textfiles/stratify.prom"))["stratify_last_run_exit_status"] == 0)
    let files = try FileManager.default.contentsOfDirectory(atPath: dir.path("out/runs/2026-11-20"))
    let practiceFiles = files.filter { $0.hasPrefix("report-") && $0.hasSuffix(".html") }
    #expect(!practiceFiles.isEmpty)
    let report = try String(contentsOfFile: dir.path("out/runs/2026-11-20/report.html"), encoding: .utf8)
    for file in practiceFiles { #expect(report.contains(file)) }
  }
}
