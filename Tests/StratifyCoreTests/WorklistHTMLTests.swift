import Foundation
import Testing

@testable import StratifyCore

/// worklist.html's rows rendered without Mustache must give the bytes Mustache gives, for the shipped template and
/// restyled ones, and any template outside the supported subset must fall back to Mustache.
@Suite struct WorklistHTMLTests {
  static func item(
    _ patient: String, list: String = "CM1", first: String = "Ann", last: String = "Lee", phone: String = "555-0100",
    pcp: String = "DR1", label: String = "Call", reasons: [String] = ["ED use", "Chronic"], days: Int = 3,
    status: WorklistItem.Status = .new, onList: Int = 0, over: Bool = false, score: Int = 7
  ) -> WorklistItem {
    let asOf = Day(iso: "2026-11-20")!
    return WorklistItem(
      list: list, caseManagerID: list.hasPrefix("unassigned-") ? "" : list, patientID: patient, action: "tcm_contact",
      actionLabel: label, priority: 1, due: asOf + days, daysUntilDue: days, tier: "high", tierRank: 1, score: score,
      firstName: first, lastName: last, phone: phone, practiceID: "PR1", pcpID: pcp, reasons: reasons,
      status: status, openedOn: asOf - onList, daysOnList: onList, overCapacity: over)
  }

  /// Values that exercise escaping (ASCII and not, a `<` inside a grapheme cluster), empty fallbacks, every due
  /// text, every status, 0–3 reasons, flags on and off, a negative score.
  static let items: [WorklistItem] = [
    item("P1", first: "O'Brien <b>", last: "\"Q\" & co", reasons: ["A < B", "x'y", "\"z\""], days: -5),
    item("P2", first: "", last: "", phone: "", pcp: "", reasons: [], days: -1, status: .carried, onList: 4),
    item("P3", first: "Zoë", last: "Ünal <\u{338} &", label: "Réunion & <i>", reasons: ["é<"], days: 0, over: true),
    item("P4", first: "Åsa", last: "", reasons: ["one"], days: 1, status: .escalated, onList: 1, score: -2),
    item("P5", list: "unassigned-PR1", last: "X", days: 12, status: .deescalated, onList: 30, over: true),
    item("P6", list: "unassigned-PR1", first: "{{name}}", last: "}}", reasons: ["{{{x}}}"], days: 2),
  ]

  static func render(_ items: [WorklistItem], templates: String?, fast: Bool) throws -> String {
    let ruleSet = try MetricsFixture.ruleSet()
    return try WorklistWriter.renderHTML(
      items, asOf: Day(iso: "2026-11-20")!, ruleSet: ruleSet, templates: templates, fastRows: fast)
  }

  static func withTemplate<T>(_ text: String, _ body: (String) throws -> T) throws -> T {
    let folder = NSTemporaryDirectory() + "worklist-html-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    try text.write(toFile: folder + "/worklist.mustache", atomically: true, encoding: .utf8)
    return try body(folder)
  }

  static func shipped() throws -> String { try Templates.source("worklist").text }

  @Test func shippedTemplateTakesTheFastPathWithTheSameBytes() throws {
    #expect(WorklistRowTemplate.split(try Self.shipped()) != nil)
    let fast = try Self.render(Self.items, templates: nil, fast: true)
    let mustache = try Self.render(Self.items, templates: nil, fast: false)
    #expect(fast == mustache)
    #expect(fast.contains("O&#39;Brien &lt;b&gt;"))
    let emptyFast = try Self.render([], templates: nil, fast: true)
    let emptyMustache = try Self.render([], templates: nil, fast: false)
    #expect(emptyFast == emptyMustache)
  }

  @Test func restyledRowsWithinTheSubsetAreHonoured() throws {
    let restyled = try Self.shipped().replacingOccurrences(
      of: "<td>{{actionLabel}}</td>",
      with:
        "<td>{{{actionLabel}}} {{&name}} {{^overdue}}on time{{/overdue}}{{^reasons}}none{{/reasons}} {{score}} {{overCapacity}}</td>"
    )
    let shipped = try Self.shipped()
    #expect(restyled != shipped)
    #expect(WorklistRowTemplate.split(restyled) != nil)
    try Self.withTemplate(restyled) { folder in
      let fast = try Self.render(Self.items, templates: folder, fast: true)
      let mustache = try Self.render(Self.items, templates: folder, fast: false)
      #expect(fast == mustache)
      #expect(fast.contains("on time"))
    }
  }

  @Test func templatesOutsideTheSubsetFallBackToMustache() throws {
    let shipped = try Self.shipped()
    let variants = [
      // A standalone section line inside the rows (whitespace rules), an unknown key, a key of the list, a comment,
      // a transform, `{{.}}` outside the reasons, `items` used twice, `{{#items}}` sharing its line.
      shipped.replacingOccurrences(
        of: "        <td>{{actionLabel}}</td>\n", with: "{{#overdue}}\n<td>late</td>\n{{/overdue}}\n"),
      shipped.replacingOccurrences(of: "{{actionLabel}}", with: "{{asOf}}"),
      shipped.replacingOccurrences(of: "{{actionLabel}}", with: "{{title}}"),
      shipped.replacingOccurrences(of: "{{actionLabel}}", with: "{{! note }}{{actionLabel}}"),
      shipped.replacingOccurrences(of: "{{actionLabel}}", with: "{{uppercased(actionLabel)}}"),
      shipped.replacingOccurrences(of: "{{actionLabel}}", with: "{{.}}"),
      shipped.replacingOccurrences(of: "{{^lists}}", with: "{{#items}}x{{/items}}{{^lists}}"),
      shipped.replacingOccurrences(of: "    {{#items}}\n", with: "    {{#items}}<!-- row -->\n"),
    ]
    for (n, variant) in variants.enumerated() {
      #expect(variant != shipped)
      #expect(WorklistRowTemplate.split(variant) == nil)
      // `{{.}}` on a row prints the row's dictionary, whose order Mustache does not fix: compare the others only.
      if variant.contains("{{.}}</td>") { continue }
      try Self.withTemplate(variant) { folder in
        let fast = try Self.render(Self.items, templates: folder, fast: true)
        let mustache = try Self.render(Self.items, templates: folder, fast: false)
        #expect(fast == mustache, "variant \(n)")
      }
    }
  }
}
