/// The `{{#items}}…{{/items}}` section of worklist.html's template, rendered without the template engine.
///
/// Mustache looks every value of every row up by name in a `[String: Any]` and builds the page by string
/// concatenation: tens of thousands of rows cost seconds. The template stays the source of the markup (an
/// organization's restyled copy is honoured): `split` cuts the row section out of the template text, the page frame
/// is still rendered by Mustache, and the rows are rendered here from the section's own text, with Mustache's
/// semantics for the subset of the language a row uses:
/// - `{{name}}` (HTML-escaped exactly as swift-mustache escapes: `< > & " '`, character by character) and
///   `{{{name}}}` / `{{&name}}` (as is), for the keys of a row (see `Key`);
/// - `{{#flag}}…{{/flag}}` and `{{^flag}}…{{/flag}}` on the yes/no keys (`overdue`, `overCapacity`);
/// - `{{#reasons}}…{{.}}…{{/reasons}}` (and `{{^reasons}}`), one pass per reason.
///
/// Anything else — another key, a comment, a partial, a delimiter or content-type change, a transform, a section tag
/// alone on its line (Mustache's standalone-line whitespace rules), `items` used elsewhere — makes `split` return nil,
/// and the caller renders the whole page with Mustache as before. Either way the bytes are the same.
struct WorklistRowTemplate {
  /// The values of one row, as `WorklistWriter.row(_:)` gives them to Mustache.
  enum Key: String, CaseIterable {
    case due, dueText, overdue, name, patientID, phone, practiceID, pcpID, actionLabel, reasons, tier, score
    case overCapacity, status, statusClass, daysOnListText

    var isFlag: Bool { self == .overdue || self == .overCapacity }
  }

  indirect enum Node {
    case text([UInt8])
    case value(Key, escaped: Bool)
    /// `{{.}}` inside the reasons section.
    case reason(escaped: Bool)
    case flag(Key, inverted: Bool, [Node])
    case reasons(inverted: Bool, [Node])
  }

  let nodes: [Node]

  /// The name under which the frame finds each list's rendered rows (unescaped).
  static let rowsKey = "stratifyRenderedRowsHTML_"

  /// Splits a worklist template into the page frame (the `{{#items}}` section replaced by `{{{rowsKey}}}`) and the
  /// row template; nil when the template uses anything outside the subset above.
  static func split(_ source: String) -> (frame: String, rows: WorklistRowTemplate)? {
    let bytes = Array(source.utf8)
    guard let tags = scanTags(bytes) else { return nil }
    let open = tags.indices.filter { tags[$0].sigil == UInt8(ascii: "#") && tags[$0].name == "items" }
    let close = tags.indices.filter { tags[$0].sigil == UInt8(ascii: "/") && tags[$0].name == "items" }
    let mentions = tags.filter { $0.name == "items" || $0.name == rowsKey }
    guard open.count == 1, close.count == 1, open[0] < close[0], mentions.count == 2 else { return nil }
    for tag in tags {
      switch tag.sigil {
      case UInt8(ascii: "="), UInt8(ascii: "%"), UInt8(ascii: ">"), UInt8(ascii: "<"), UInt8(ascii: "$"): return nil
      default: break
      }
    }
    // Both tags must stand alone on their lines, so Mustache drops those lines whole; the section is the lines
    // between them.
    let openTag = tags[open[0]]
    let closeTag = tags[close[0]]
    guard let openLine = standaloneLine(bytes, openTag), let closeLine = standaloneLine(bytes, closeTag) else {
      return nil
    }
    let body = Array(bytes[openLine.upperBound..<closeLine.lowerBound])
    let bodyTags = tags[(open[0] + 1)..<close[0]].map {
      Tag(
        sigil: $0.sigil, name: $0.name,
        range: ($0.range.lowerBound - openLine.upperBound)..<($0.range.upperBound - openLine.upperBound))
    }
    guard let nodes = parseBody(body, tags: bodyTags) else { return nil }
    let frame =
      String(decoding: bytes[..<openLine.lowerBound], as: UTF8.self) + "{{{\(rowsKey)}}}"
      + String(decoding: bytes[closeLine.upperBound...], as: UTF8.self)
    return (frame, WorklistRowTemplate(nodes: nodes))
  }

  /// Appends the rows of the items at `positions` of `items` to `out`.
  func render(_ items: [WorklistItem], at positions: [Int], into out: inout [UInt8]) {
    // Items read in place: a copy of each would retain and release its dozen strings.
    items.withUnsafeBufferPointer { items in
      for i in positions {
        let row = Row(items.baseAddress! + i)
        Self.render(nodes, row, reason: nil, into: &out)
      }
    }
  }

  // MARK: - Rendering

  /// A row's values, computed as `WorklistWriter.row(_:)` computes them.
  struct Row {
    /// The item, read in place (valid while the row is used).
    let item: UnsafePointer<WorklistItem>
    let name: String
    let dueText: String

    init(_ item: UnsafePointer<WorklistItem>) {
      self.item = item
      // The non-empty names joined by a space, as `WorklistWriter.row(_:)` joins them, without an array per row.
      switch (item.pointee.firstName.isEmpty, item.pointee.lastName.isEmpty) {
      case (true, true): name = "(no name)"
      case (false, true): name = item.pointee.firstName
      case (true, false): name = item.pointee.lastName
      case (false, false): name = item.pointee.firstName + " " + item.pointee.lastName
      }
      dueText = WorklistWriter.dueText(item.pointee.daysUntilDue)
    }

    func flag(_ key: Key) -> Bool { key == .overdue ? item.pointee.isOverdue : item.pointee.overCapacity }

    func text(_ key: Key) -> String {
      switch key {
      case .due: return item.pointee.due.description
      case .dueText: return dueText
      case .overdue: return String(describing: item.pointee.isOverdue)
      case .name: return name
      case .patientID: return item.pointee.patientID
      case .phone: return item.pointee.phone.isEmpty ? "no phone" : item.pointee.phone
      case .practiceID: return item.pointee.practiceID
      case .pcpID: return item.pointee.pcpID.isEmpty ? "—" : item.pointee.pcpID
      case .actionLabel: return item.pointee.actionLabel
      case .reasons: return String(describing: item.pointee.reasons)  // never reached: parseBody refuses it
      case .tier: return item.pointee.tier
      case .score: return String(item.pointee.score)
      case .overCapacity: return String(describing: item.pointee.overCapacity)
      case .status, .statusClass: return item.pointee.status.rawValue
      case .daysOnListText:
        return item.pointee.daysOnList == 0 ? "new today" : "\(item.pointee.daysOnList) days on list"
      }
    }
  }

  static func render(_ nodes: [Node], _ row: Row, reason: String?, into out: inout [UInt8]) {
    for node in nodes {
      switch node {
      case .text(let bytes):
        out.append(contentsOf: bytes)
      case .value(let key, let escaped):
        append(row.text(key), escaped: escaped, to: &out)
      case .reason(let escaped):
        append(reason ?? "", escaped: escaped, to: &out)
      case .flag(let key, let inverted, let inner):
        if row.flag(key) != inverted { render(inner, row, reason: reason, into: &out) }
      case .reasons(let inverted, let inner):
        if inverted {
          if row.item.pointee.reasons.isEmpty { render(inner, row, reason: reason, into: &out) }
        } else {
          for r in row.item.pointee.reasons { render(inner, row, reason: r, into: &out) }
        }
      }
    }
  }

  /// Appends `text`, HTML-escaped as swift-mustache does (`String.htmlEscape`): by Character, so a `<` that is part
  /// of a larger grapheme cluster stays as it is. ASCII text (every character one byte) takes a byte loop.
  static func append(_ text: String, escaped: Bool, to out: inout [UInt8]) {
    var text = text
    guard escaped else {
      out.append(contentsOf: text.utf8)
      return
    }
    let ascii = text.withUTF8 { buffer -> Bool in
      var ascii = true
      for byte in buffer where byte >= 0x80 {
        ascii = false
        break
      }
      guard ascii else { return false }
      for byte in buffer {
        switch byte {
        case UInt8(ascii: "<"): out.append(contentsOf: "&lt;".utf8)
        case UInt8(ascii: ">"): out.append(contentsOf: "&gt;".utf8)
        case UInt8(ascii: "&"): out.append(contentsOf: "&amp;".utf8)
        case UInt8(ascii: "\""): out.append(contentsOf: "&quot;".utf8)
        case UInt8(ascii: "'"): out.append(contentsOf: "&#39;".utf8)
        default: out.append(byte)
        }
      }
      return true
    }
    if ascii { return }
    for c in text {
      switch c {
      case "<": out.append(contentsOf: "&lt;".utf8)
      case ">": out.append(contentsOf: "&gt;".utf8)
      case "&": out.append(contentsOf: "&amp;".utf8)
      case "\"": out.append(contentsOf: "&quot;".utf8)
      case "'": out.append(contentsOf: "&#39;".utf8)
      default: out.append(contentsOf: c.utf8)
      }
    }
  }

  // MARK: - Parsing

  struct Tag {
    /// `#`, `^`, `/`, `{`, `&`, `!`, `>`, … or 0 for a plain variable.
    var sigil: UInt8
    var name: String
    /// From `{{` to the end of the closing braces.
    var range: Range<Int>
  }

  /// Every `{{…}}` tag of the text with the default delimiters; nil when a tag is malformed or uses a name outside
  /// `[A-Za-z0-9_.]` (transforms, dotted names are left to Mustache).
  static func scanTags(_ b: [UInt8]) -> [Tag]? {
    var tags: [Tag] = []
    var i = 0
    while i + 1 < b.count {
      guard b[i] == UInt8(ascii: "{"), b[i + 1] == UInt8(ascii: "{") else {
        i += 1
        continue
      }
      let start = i
      var j = i + 2
      var sigil: UInt8 = 0
      if j < b.count, "#^/{&!=%><$".utf8.contains(b[j]) {
        sigil = b[j]
        j += 1
      }
      if sigil == UInt8(ascii: "!") {
        // A comment runs to the next `}}`.
        while j + 1 < b.count, !(b[j] == UInt8(ascii: "}") && b[j + 1] == UInt8(ascii: "}")) { j += 1 }
        guard j + 1 < b.count else { return nil }
        tags.append(Tag(sigil: sigil, name: "", range: start..<(j + 2)))
        i = j + 2
        continue
      }
      while j < b.count, b[j] == UInt8(ascii: " ") || b[j] == UInt8(ascii: "\t") { j += 1 }
      let nameStart = j
      while j < b.count, isNameByte(b[j]) { j += 1 }
      let name = String(decoding: b[nameStart..<j], as: UTF8.self)
      while j < b.count, b[j] == UInt8(ascii: " ") || b[j] == UInt8(ascii: "\t") { j += 1 }
      let closing = sigil == UInt8(ascii: "{") ? 3 : 2
      guard j + closing <= b.count, b[j..<(j + closing)].allSatisfy({ $0 == UInt8(ascii: "}") }) else { return nil }
      guard !name.isEmpty, name == "." || !name.contains(".") else { return nil }
      tags.append(Tag(sigil: sigil, name: name, range: start..<(j + closing)))
      i = j + closing
    }
    return tags
  }

  static func isNameByte(_ c: UInt8) -> Bool {
    (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == UInt8(ascii: "_")
      || c == UInt8(ascii: ".")
  }

  /// The whole line of `tag` (from its first byte to after its line end) when nothing but spaces and tabs share it.
  static func standaloneLine(_ b: [UInt8], _ tag: Tag) -> Range<Int>? {
    var start = tag.range.lowerBound
    while start > 0, b[start - 1] == UInt8(ascii: " ") || b[start - 1] == UInt8(ascii: "\t") { start -= 1 }
    guard start == 0 || b[start - 1] == UInt8(ascii: "\n") else { return nil }
    var end = tag.range.upperBound
    while end < b.count, b[end] == UInt8(ascii: " ") || b[end] == UInt8(ascii: "\t") { end += 1 }
    if end < b.count, b[end] == UInt8(ascii: "\r") { end += 1 }
    guard end < b.count, b[end] == UInt8(ascii: "\n") else { return nil }
    return start..<(end + 1)
  }

  /// The row section's nodes; nil outside the supported subset.
  static func parseBody(_ body: [UInt8], tags: [Tag]) -> [Node]? {
    // A tag that begins a line (after spaces or tabs) could be a standalone one: leave those to Mustache.
    for tag in tags where tag.sigil != 0 && tag.sigil != UInt8(ascii: "{") && tag.sigil != UInt8(ascii: "&") {
      var k = tag.range.lowerBound
      while k > 0, body[k - 1] == UInt8(ascii: " ") || body[k - 1] == UInt8(ascii: "\t") { k -= 1 }
      if k == 0 || body[k - 1] == UInt8(ascii: "\n") { return nil }
    }
    var position = 0
    var index = 0
    func parse(until closing: String?, inReasons: Bool) -> [Node]? {
      var nodes: [Node] = []
      while index < tags.count {
        let tag = tags[index]
        if tag.range.lowerBound > position { nodes.append(.text(Array(body[position..<tag.range.lowerBound]))) }
        position = tag.range.upperBound
        index += 1
        switch tag.sigil {
        case 0, UInt8(ascii: "{"), UInt8(ascii: "&"):
          let escaped = tag.sigil == 0
          if tag.name == "." {
            guard inReasons else { return nil }
            nodes.append(.reason(escaped: escaped))
          } else {
            guard !inReasons, let key = Key(rawValue: tag.name), key != .reasons else { return nil }
            nodes.append(.value(key, escaped: escaped))
          }
        case UInt8(ascii: "#"), UInt8(ascii: "^"):
          let inverted = tag.sigil == UInt8(ascii: "^")
          guard !inReasons, let key = Key(rawValue: tag.name) else { return nil }
          if key == .reasons {
            // `{{^reasons}}` pushes the empty list: only plain text inside it is rendered here.
            guard let inner = parse(until: tag.name, inReasons: !inverted) else { return nil }
            if inverted, !inner.allSatisfy({ if case .text = $0 { return true } else { return false } }) { return nil }
            nodes.append(.reasons(inverted: inverted, inner))
          } else {
            guard key.isFlag, let inner = parse(until: tag.name, inReasons: false) else { return nil }
            nodes.append(.flag(key, inverted: inverted, inner))
          }
        case UInt8(ascii: "/"):
          guard tag.name == closing else { return nil }
          return nodes
        default:
          return nil
        }
      }
      guard closing == nil else { return nil }
      if position < body.count { nodes.append(.text(Array(body[position...]))) }
      return nodes
    }
    return parse(until: nil, inReasons: false)
  }
}
