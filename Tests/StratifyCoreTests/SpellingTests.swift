import Testing

@testable import StratifyCore

@Suite struct SpellingTests {
  @Test(arguments: [
    ("inptu", "input"), ("reject_treshold", "reject_threshold"), ("Event_Dat", "event_date"), ("colums", "columns"),
  ])
  func suggestsTheClosestName(typed: String, expected: String) {
    #expect(Spelling.closest(to: typed, among: ["input", "inputs", "reject_threshold", "event_date", "columns"]) == expected)
  }

  @Test func suggestsNothingForAFarAwayName() {
    #expect(Spelling.closest(to: "holidays", among: ["input", "output", "rules"]) == nil)
  }

  @Test func fallsBackToAContainedNameWhenAsked() {
    #expect(Spelling.closest(to: "discharge_date", among: ["patient_id", "discharge"]) == nil)
    #expect(Spelling.closest(to: "discharge_date", among: ["patient_id", "discharge"], orContaining: true) == "discharge")
  }
}
