import Yams

extension ConfigurationReader {
  /// `reports: { per_practice: sections | files }`.
  func reportSettings(_ node: Node) throws -> ReportSettings {
    var settings = ReportSettings()
    for (key, value) in try pairs(node, what: "'reports'") {
      switch key.string ?? "" {
      case "per_practice":
        let text = try string(value, key: "reports.per_practice", expected: "sections or files")
        guard let layout = ReportSettings.PracticeLayout(rawValue: text) else {
          throw error(at: value, "expected sections or files for 'reports.per_practice', found '\(text)'")
        }
        settings.perPractice = layout
      default:
        throw unknownKey(key.string ?? "", at: key, known: ["per_practice"], in: "'reports'")
      }
    }
    return settings
  }
}
