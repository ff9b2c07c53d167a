import Foundation
import Testing

@testable import StratifyCore

/// metrics.prom in the run folder and the stable textfile.
@Suite struct PrometheusTextfileTests {
  func metrics() throws -> RunMetrics { RunMetrics(try MetricsFixture.input()) }

  /// Checks the exposition format line by line: HELP and TYPE before a family's samples, samples as
  /// `name{label="value",…} number`; returns name{labels} → value.
  func parse(_ text: String) throws -> [String: Double] {
    var samples: [String: Double] = [:]
    var helped = Set<String>()
    var typed = Set<String>()
    let name = "[a-zA-Z_:][a-zA-Z0-9_:]*"
    let sample = try Regex("^(\(name))(\\{([a-zA-Z_][a-zA-Z0-9_]*=\"([^\"\\\\]|\\\\.)*\",?)*\\})? (\\S+)$")
    for line in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
      if line.hasPrefix("# HELP ") {
        let parts = line.split(separator: " ", maxSplits: 3)
        #expect(parts.count == 4, "\(line)")
        helped.insert(String(parts[2]))
      } else if line.hasPrefix("# TYPE ") {
        let parts = line.split(separator: " ")
        #expect(parts.count == 4 && parts[3] == "gauge", "\(line)")
        #expect(helped.contains(String(parts[2])), "TYPE before HELP: \(line)")
        typed.insert(String(parts[2]))
      } else {
        let match = try #require(try sample.wholeMatch(in: String(line)), "not a sample line: \(line)")
        let metric = String(match.output[1].substring!)
        #expect(typed.contains(metric), "sample before its TYPE: \(line)")
        let value = String(line.split(separator: " ").last!)
        guard let number = Double(value) else {
          Issue.record("not a number: \(line)")
          continue
        }
        samples[String(line.dropLast(value.count + 1))] = number
      }
    }
    #expect(text.hasSuffix("\n"))
    return samples
  }

  @Test func theRunFolderCopyHasTheFiguresAndNoClockTimes() throws {
    let samples = try parse(try metrics().prometheus.text)
    #expect(samples["stratify_rows_read{file=\"patients.csv\"}"] == 8)
    #expect(samples["stratify_rows_read{file=\"utilization.csv\"}"] == 21)
    #expect(samples["stratify_rows_rejected{file=\"patients.csv\"}"] == 2)
    #expect(samples["stratify_rows_rejected{file=\"discharges.csv\"}"] == 0)
    #expect(samples["stratify_patients{tier=\"top\"}"] == 2)
    #expect(samples["stratify_patients{tier=\"excluded\"}"] == 1)
    #expect(samples["stratify_worklist_items"] == 5)
    #expect(samples["stratify_worklist_overdue_items"] == 2)
    #expect(samples["stratify_tcm_contact_share"] == 0.75)
    #expect(samples["stratify_as_of_date_seconds"] == 1_795_996_800)  // 2026-11-30T00:00:00Z
    #expect(!samples.keys.contains { $0.contains("timestamp") || $0.contains("duration") || $0.contains("exit") })
  }

  @Test func theStableFileAddsSuccessTimeDurationAndExitStatus() throws {
    let start = Date(timeIntervalSince1970: 1_796_090_000)
    let file = MetricsTextfile.success(try metrics(), startedAt: start, finishedAt: start.addingTimeInterval(12.3456))
    let samples = try parse(file.text)
    #expect(samples["stratify_last_success_timestamp_seconds"] == 1_796_090_012)
    #expect(samples["stratify_run_duration_seconds"] == 12.346)
    #expect(samples["stratify_last_run_exit_status"] == 0)
    #expect(samples["stratify_last_run_timestamp_seconds"] == 1_796_090_012)
    #expect(samples["stratify_worklist_items"] == 5)
  }

  @Test func aFailedRunChangesOnlyTheExitStatusAndTheLastRunTime() throws {
    let start = Date(timeIntervalSince1970: 1_796_090_000)
    let good = MetricsTextfile.success(try metrics(), startedAt: start, finishedAt: start.addingTimeInterval(5)).text
    let failed = MetricsTextfile.failure(
      previous: good, exitStatus: 65, at: start.addingTimeInterval(86_400)
    ).text
    var before = try parse(good)
    var after = try parse(failed)
    #expect(after.removeValue(forKey: "stratify_last_run_exit_status") == 65)
    #expect(after.removeValue(forKey: "stratify_last_run_timestamp_seconds") == 1_796_176_400)
    before["stratify_last_run_exit_status"] = nil
    before["stratify_last_run_timestamp_seconds"] = nil
    #expect(after == before)
    #expect(after["stratify_last_success_timestamp_seconds"] == 1_796_090_005)
  }

  @Test func aFailureWithoutAnEarlierSuccessReportsNoSuccessAtAll() throws {
    let samples = try parse(
      MetricsTextfile.failure(previous: nil, exitStatus: 66, at: Date(timeIntervalSince1970: 10)).text)
    #expect(
      samples == [
        "stratify_last_success_timestamp_seconds": 0, "stratify_last_run_exit_status": 66,
        "stratify_last_run_timestamp_seconds": 10,
      ])
  }

  @Test func labelValuesAreEscapedAndReadBack() throws {
    let file = PrometheusTextfile(families: [
      .init("x", help: "a \\ help\nline", samples: [.init(labels: [.init("file", "a\"b\\c\nd.csv")], value: 1.5)])
    ])
    #expect(file.text.contains("x{file=\"a\\\"b\\\\c\\nd.csv\"} 1.5\n"))
    #expect(PrometheusTextfile(parsing: file.text) == file)
  }

  @Test func publishingReplacesTheFileAtomically() throws {
    let folder = try TestFolder()
    defer { folder.remove() }
    let path = folder.path + "/metrics.prom"
    let start = Date(timeIntervalSince1970: 1_796_090_000)
    try MetricsTextfile.publishSuccess(try metrics(), startedAt: start, finishedAt: start, to: path)
    try MetricsTextfile.publishFailure(exitStatus: 73, at: start.addingTimeInterval(60), to: path)
    let samples = try parse(try String(contentsOfFile: path, encoding: .utf8))
    #expect(samples["stratify_last_run_exit_status"] == 73)
    #expect(samples["stratify_last_success_timestamp_seconds"] == 1_796_090_000)
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["metrics.prom"])
  }
}
