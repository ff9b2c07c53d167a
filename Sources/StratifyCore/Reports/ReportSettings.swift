/// How `report.html` treats practices (configuration `reports:`).
public struct ReportSettings: Sendable, Equatable {
  /// Where each practice's figures go.
  public enum PracticeLayout: String, Sendable {
    /// A section per practice at the end of report.html.
    case sections
    /// One file per practice beside it, `report-<practice_id>.html`, and a summary table in report.html.
    case files
  }

  public var perPractice: PracticeLayout

  public init(perPractice: PracticeLayout = .sections) { self.perPractice = perPractice }
}
