import Testing

@testable import StratifyCore

/// The configuration keys of the reports: `metrics_path` and `reports.per_practice`.
@Suite struct ReportConfigurationTests {
  func parse(_ yaml: String) throws -> Configuration {
    try Configuration.parse(yaml: yaml, file: "/etc/stratify.yaml", relativeTo: "/etc")
  }

  @Test func metricsPathIsResolvedAgainstTheConfigurationsFolder() throws {
    #expect(try parse("metrics_path: node/stratify.prom\n").metricsPath == "/etc/node/stratify.prom")
  }

  @Test func thePerPracticeLayout() throws {
    #expect(try parse("reports: { per_practice: files }\n").reports == ReportSettings(perPractice: .files))
    #expect(try parse("reports: { per_practice: sections }\n").reports == ReportSettings(perPractice: .sections))
  }

  @Test func aBadLayoutIsAnErrorAtItsPlace() {
    #expect {
      try parse("reports:\n  per_practice: pages\n")
    } throws: { error in
      "\(error)".contains("stratify.yaml:2:17") && "\(error)".contains("expected sections or files")
    }
    #expect {
      try parse("reports:\n  per_practise: files\n")
    } throws: { error in
      "\(error)".contains("stratify.yaml:2:3") && "\(error)".contains("per_practice")
    }
  }

  @Test func defaultsSendTheStableFileIntoTheOutputFolder() throws {
    let settings = try RunSettings(
      configuration: try parse("input: in\noutput: /srv/out\n"), today: MetricsFixture.asOf, cwd: "/")
    #expect(settings.metricsPath == "/srv/out/metrics.prom")
    #expect(settings.reports == ReportSettings())
  }
}
