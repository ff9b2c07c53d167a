import Foundation
import Testing

@testable import StratifyCore

/// Page templates are parsed in pieces (Mustache's parser slows with the length of the text); the pieces must render
/// exactly what the whole template renders, and a template that cannot be cut safely is parsed whole.
@Suite struct TemplatesTests {
  /// A template using every kind of tag at the top level and inside sections spanning lines.
  static let mixed = """
    <h1>{{title}}</h1>
      {{! a comment
          over two lines }}
    {{#items}}
      <li>{{name}} {{{raw}}} {{&amp}}</li>
      {{^last}}, {{/last}}
    {{/items}}
    {{^items}}
    <p>none</p>
    {{/items}}
      {{#flag}}
    standalone inside
      {{/flag}}
    <p>{{title}} again</p>\r
    <p>{{missing}}</p>

    tail without a line end
    """

  static var context: [String: Any] {
    [
      "title": "A & B <c>", "flag": true, "amp": "x & y",
      "items": [
        ["name": "one", "raw": "<b>1</b>", "last": false], ["name": "two", "raw": "<i>2</i>", "last": true],
      ],
    ]
  }

  @Test func piecesRenderWhatTheWholeRendersAtEveryCut() throws {
    let whole = try Templates.parse(Self.mixed, path: "mixed", pieceSize: nil)
    #expect(whole.pieces.count == 1)
    for size in [1, 8, 40, 100] {
      let cut = try Templates.parse(Self.mixed, path: "mixed", pieceSize: size)
      #expect(cut.pieces.count > 1)
      #expect(cut.render(Self.context) == whole.render(Self.context))
      #expect(cut.render([String: Any]()) == whole.render([String: Any]()))
    }
    // Cuts fall after line ends at the top level only.
    let pieces = try #require(Templates.pieces(of: Self.mixed, size: 1))
    #expect(pieces.joined() == Self.mixed)
    #expect(pieces.dropLast().allSatisfy { $0.utf8.last == UInt8(ascii: "\n") })
    for inside in ["      over two lines", "  <li>", "  {{^last}}", "{{/items}}", "standalone inside", "  {{/flag}}"] {
      #expect(!pieces.contains { $0.hasPrefix(inside) }, "a cut inside a tag or section: \(inside)")
    }
    #expect(pieces.contains { $0.hasPrefix("{{#items}}") })
    // Never right after a line with a section tag: the parser carries state from it to the next line.
    #expect(!pieces.contains { $0.hasPrefix("{{^items}}") || $0.hasPrefix("  {{#flag}}") })
  }

  /// A section whose opening tag is not alone on its line but whose closing tag is: after it, Mustache reads the next
  /// line as the continuation of a line (its standalone tags keep their whitespace and line end). A piece starting
  /// there would read it as a new line; found by a reviewer's fuzzing (912 of 20,000 random templates differed).
  @Test func theLineAfterASectionIsNeverThePieceStart() throws {
    let rows = String(repeating: "<tr><td>{{name}}</td></tr>\n", count: 60)
    let templates = [
      "<p>{{#flag}}\n  yes\n{{/flag}}\n{{^flag}}\n  no\n{{/flag}}\n",
      "x{{#flag}}\n{{/flag}}\n  {{! note }}\n",
      "<table>{{#rows}}\n\(rows){{/rows}}\n{{#footer}}\n<p>{{footer}}</p>\n{{/footer}}\n",
    ]
    let contexts: [[String: Any]] = [
      ["flag": false], ["flag": true], ["rows": [["name": "a"], ["name": "b"]], "footer": "f"], [:],
    ]
    for text in templates {
      let whole = try Templates.parse(text, path: "t", pieceSize: nil)
      for size in [1, 1024] {
        let cut = try Templates.parse(text, path: "t", pieceSize: size)
        for context in contexts { #expect(cut.render(context) == whole.render(context), "\(text.debugDescription)") }
      }
    }
  }

  @Test func templatesThatCannotBeCutSafelyAreParsedWhole() throws {
    for text in [
      "{{=<% %>=}}\n<% x %>\n", "{{%CONTENT_TYPE:TEXT}}\n{{x}}\n", "{{#a}}\nopen\n", "{{/a}}\n{{x}}\n",
      "{{ #a}}\nx\n{{ /a}}\n", "{{x\n", "{{\u{301} {{%CONTENT_TYPE:TEXT}}\n{{x}}\n", "{{x}\u{301}}\n{{y}}\n",
    ] {
      #expect(Templates.pieces(of: text, size: 1) == nil, "\(text)")
    }
    // The set-delimiter template still renders as the whole.
    let delimited = try Templates.parse("{{=<% %>=}}\n<% x %>\n<% y %>\n", path: "d", pieceSize: 1)
    #expect(delimited.pieces.count == 1)
    #expect(delimited.render(["x": 1, "y": 2]) == "1\n2\n")
  }

  @Test func aBrokenTemplateIsReportedAsTheWholeTemplatesError() throws {
    // Balanced but mismatched: the second piece does not parse, and the whole is parsed for its error.
    let text = "{{x}}\n{{#a}}\n{{/b}}\n"
    #expect(Templates.pieces(of: text, size: 1)?.count == 2)
    #expect(throws: RunError.self) { try Templates.parse(text, path: "broken.mustache", pieceSize: 1) }
  }

  @Test func theShippedReportIsCutAndRendersTheSameBytes() throws {
    let text = try Templates.source("report").text
    let whole = try Templates.parse(text, path: "report", pieceSize: nil)
    let cut = try Templates.parse(text, path: "report")
    #expect(cut.pieces.count > 4)
    let metrics = RunMetrics(try MetricsFixture.input())
    let labels = ReportWriter.labels(try MetricsFixture.ruleSet())
    for layout in [ReportSettings.PracticeLayout.sections, .files] {
      let context = ReportWriter.context(
        metrics, history: [], labels: labels, settings: ReportSettings(perPractice: layout))
      #expect(cut.render(context) == whole.render(context))
    }
    let worklist = try Templates.source("worklist").text
    #expect(
      try Templates.parse(worklist, path: "w").render(["lists": [[String: Any]]()])
        == (try Templates.parse(worklist, path: "w", pieceSize: nil).render(["lists": [[String: Any]]()])))
  }
}
