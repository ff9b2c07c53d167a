import Foundation
import Testing

@testable import StratifyCore

/// report.html on `MetricsFixture` with a short history: well formed, self-contained, free of patient identifiers.
@Suite struct ReportWriterTests {
  /// Two earlier runs, the first recorded before metrics were stored ("{}").
  func history(_ tonight: RunMetrics) -> [RunRecord] {
    var earlier = tonight
    earlier.asOf = "2026-11-27"
    earlier.worklist.items = 7
    earlier.transitionsOfCare.contactWithinTwoBusinessDays.share = 0.8
    return [
      RunRecord(
        asOf: MetricsFixture.day("2026-11-26"), patients: 5, worklistItems: 4, overdueItems: 1, closedActions: 0,
        metricsJSON: "{}"),
      RunRecord(
        asOf: MetricsFixture.day("2026-11-27"), patients: 6, worklistItems: 7, overdueItems: 3, closedActions: 1,
        metricsJSON: earlier.json),
    ]
  }

  func render(_ layout: ReportSettings.PracticeLayout) throws -> (folder: TestFolder, files: [String: String]) {
    let folder = try TestFolder()
    let metrics = RunMetrics(try MetricsFixture.input())
    try ReportWriter.write(
      metrics, history: history(metrics), ruleSet: try MetricsFixture.ruleSet(),
      settings: ReportSettings(perPractice: layout),
      templates: nil, folder: folder.path)
    var files: [String: String] = [:]
    for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
      files[name] = try String(contentsOfFile: folder.path + "/" + name, encoding: .utf8)
    }
    return (folder, files)
  }

  @Test(arguments: [ReportSettings.PracticeLayout.sections, .files])
  func everyReportIsWellFormedSelfContainedAndFreeOfPatientIdentifiers(layout: ReportSettings.PracticeLayout) throws {
    let (folder, files) = try render(layout)
    defer { folder.remove() }
    let expected =
      layout == .sections ? ["report.html"] : ["report-PR1.html", "report-PR2.html", "report-PR3.html", "report.html"]
    #expect(files.keys.sorted() == expected)
    var identifiers: [String] = []
    for p in MetricsFixture.patients {
      identifiers += [p.firstName!, p.lastName!, p.phone!, p.birthDate.description] + p.conditions
    }
    identifiers += ["I50.9", "N18.4", "E119", "E11.9"]
    for (name, html) in files {
      try HTMLBalance.check(html)
      #expect(!html.contains("<script"), "\(name)")
      #expect(!html.contains("@import"), "\(name)")
      #expect(!html.contains("url("), "\(name)")
      let references = html.matches(of: try Regex(#"(src|href)\s*=\s*"([^"]*)""#).ignoresCase())
      for attribute in references.map({ String($0.output[2].substring!) }) {
        #expect(attribute.hasPrefix("#"), "\(name): external reference \(attribute)")
      }
      for identifier in identifiers { #expect(!html.contains(identifier), "\(name) shows \(identifier)") }
    }
  }

  /// A share is red past half the threshold, counting what the threshold counts: not the rows of a patient
  /// rejected in patients.csv.
  @Test func theDataQualityAlertLeavesOutRowsOfRejectedPatients() throws {
    var metrics = RunMetrics(try MetricsFixture.input())
    metrics.files[1].rowsRead = 100
    metrics.files[1].rowsRejected = 5
    metrics.files[1].rejectsByReason = ["rejected_patient": 5]
    func alert() -> Bool? { (ReportWriter.dataQuality(metrics)["files"] as? [[String: Any]])?[1]["alert"] as? Bool }
    #expect(alert() == false)
    metrics.files[1].rejectsByReason = ["rejected_patient": 4, "unknown_enum": 1]
    #expect(alert() == true)
  }

  /// Without a previous run to compare with, the tier movement says why: a first run, or one whose previous
  /// night's patient rows keep_runs no longer keeps (earlier runs are in the trends).
  @Test(arguments: [true, false])
  func withoutAPreviousRunTheMovementSaysWhy(earlierRuns: Bool) throws {
    let folder = try TestFolder()
    defer { folder.remove() }
    var metrics = RunMetrics(try MetricsFixture.input())
    metrics.previousRun = nil
    try ReportWriter.write(
      metrics, history: earlierRuns ? history(metrics) : [], ruleSet: try MetricsFixture.ruleSet(),
      settings: ReportSettings(perPractice: .sections), templates: nil, folder: folder.path)
    let html = try String(contentsOfFile: folder.path + "/report.html", encoding: .utf8)
    #expect(html.contains("no earlier run to compare with"))
    #expect(html.contains("no longer kept (keep_runs)") == earlierRuns)
    #expect(html.contains("This is the first run") == !earlierRuns)
  }

  @Test func theReportShowsTheNightsFigures() throws {
    let (folder, files) = try render(.sections)
    defer { folder.remove() }
    let html = try #require(files["report.html"])
    for text in [
      "Practice report — All practices — 2026-11-30", "compared with the run of 2026-11-27",
      "Contact within 2 business days", "75.0%", "−5.0 pts", "1,500.0",
      "66.7%", "Practice PR2", "unparseable date", "ward", "ED use", "Trends — last 3 runs", "Top tier",
    ] {
      #expect(html.contains(text), "\(text)")
    }
    // Open items went from 7 to 5 since the previous run.
    #expect(html.contains("5<span class=\"delta\">−2</span>"))
  }

  @Test func aPracticeFileHasThePracticesFiguresAndNoDataQualitySection() throws {
    let (folder, files) = try render(.files)
    defer { folder.remove() }
    let html = try #require(files["report-PR2.html"])
    #expect(html.contains("Practice report — Practice PR2"))
    #expect(!html.contains("id=\"quality\""))
    #expect(try #require(files["report.html"]).contains("<code>report-PR2.html</code>"))
  }

  @Test func labelsAreEscaped() throws {
    var metrics = RunMetrics(try MetricsFixture.input())
    metrics.ruleSet.name = "<b>rules & \"more\"</b>"
    metrics.worklist.caseManagers[0].caseManagerID = "<img src=x onerror=alert(1)>"
    let folder = try TestFolder()
    defer { folder.remove() }
    try ReportWriter.write(
      metrics, history: [], ruleSet: try MetricsFixture.ruleSet(), settings: ReportSettings(), templates: nil,
      folder: folder.path)
    let html = try String(contentsOfFile: folder.path + "/report.html", encoding: .utf8)
    #expect(!html.contains("<b>rules"))
    #expect(!html.contains("<img"))
    #expect(html.contains("&lt;img src=x onerror=alert(1)&gt;"))
    try HTMLBalance.check(html)
  }
}

/// A small well-formedness check for the HTML stratify writes: every element closed in order (void elements and
/// self-closed SVG shapes excepted), attributes quoted, no stray `<` in text.
enum HTMLBalance {
  struct Problem: Error, CustomStringConvertible {
    var description: String
  }

  static let void: Set<String> = ["meta", "br", "hr", "img", "input", "link", "col", "wbr"]

  static func check(_ html: String) throws {
    var stack: [String] = []
    var rest = Substring(html)
    guard rest.hasPrefix("<!DOCTYPE html>") else { throw Problem(description: "no doctype") }
    rest = rest.dropFirst("<!DOCTYPE html>".count)
    let tag = try Regex(#"^<(/?)([a-zA-Z][a-zA-Z0-9]*)((\s+[a-zA-Z_:][-a-zA-Z0-9_:.]*(="[^"<]*")?)*)\s*(/?)>"#)
    while let open = rest.firstIndex(of: "<") {
      let text = rest[..<open]
      if text.contains(">") { throw Problem(description: "stray > before \(rest[open...].prefix(40))") }
      rest = rest[open...]
      guard let match = try tag.prefixMatch(in: rest) else {
        throw Problem(description: "not a well-formed tag: \(rest.prefix(60))")
      }
      let closing = match.output[1].substring == "/"
      let name = String(match.output[2].substring!).lowercased()
      let selfClosed = match.output[6].substring == "/"
      if closing {
        guard stack.last == name else {
          throw Problem(description: "</\(name)> closes <\(stack.last ?? "nothing")> at \(rest.prefix(60))")
        }
        stack.removeLast()
      } else if !selfClosed && !void.contains(name) {
        stack.append(name)
      }
      rest = rest[match.range.upperBound...]
      if name == "style" && !closing, let end = rest.range(of: "</style>") { rest = rest[end.lowerBound...] }
    }
    if !stack.isEmpty { throw Problem(description: "unclosed: \(stack)") }
  }
}
