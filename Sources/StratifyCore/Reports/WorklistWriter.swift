import Foundation

/// Writes the worklists: `worklist.csv` (every list), `worklists/<list>.csv` (one per case manager and per
/// practice's unassigned list) and `worklist.html` (printable, one section per list). CSV cells are protected
/// against formula injection; HTML values are escaped by the template engine.
public enum WorklistWriter {
  public static let header = [
    "case_manager_id", "patient_id", "action", "due_date", "tier", "score", "first_name", "last_name", "phone",
    "practice_id", "pcp_id", "reason_1", "reason_2", "reason_3", "action_label", "days_until_due", "status",
    "days_on_list", "over_capacity", "list",
  ]

  /// A list id (or practice id) made safe as a file name, one name per id. An id of ASCII letters, digits, `-`, `_`
  /// and `.` of up to 96 bytes that does not start with `.` is its own name; any other (other bytes, which become
  /// `_`, a leading `.`, empty, or longer) is cut to its first 64 bytes and gets `~` and 16 hex digits of its
  /// SHA-256 (82 bytes at most): two ids never share a file (`CM/01` and `CM:01` would both be `CM_01`), and a long
  /// id never makes a name the file system refuses.
  public static func fileName(_ list: String) -> String {
    func safe(_ byte: UInt8) -> Bool {
      switch byte {
      case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
        UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."):
        return true
      default: return false
      }
    }
    let bytes = Array(list.utf8)
    if !bytes.isEmpty, bytes[0] != UInt8(ascii: "."), bytes.count <= 96, bytes.allSatisfy(safe) { return list }
    let cut = bytes.prefix(64).map { safe($0) ? $0 : UInt8(ascii: "_") }
    return "_" + String(decoding: cut, as: UTF8.self) + "~" + SHA256.hex(of: bytes).prefix(16)
  }

  /// Renders worklist.html. The rows go through `WorklistRowTemplate` when the template allows it (the shipped one
  /// does), the page frame through Mustache; otherwise the whole page through Mustache. Same bytes either way.
  public static func writeHTML(
    _ items: [WorklistItem], asOf: Day, ruleSet: RuleSet, templates: String?, to path: String
  ) throws {
    let page = try renderHTMLBytes(items, asOf: asOf, ruleSet: ruleSet, templates: templates, fastRows: true)
    let file = try OutputFile.Stream(path: path)
    try page.withUnsafeBytes { try file.write($0) }
    try file.close()
  }

  /// The text of worklist.html; `fastRows: false` renders every row with Mustache (the reference for tests).
  static func renderHTML(
    _ items: [WorklistItem], asOf: Day, ruleSet: RuleSet, templates: String?, fastRows: Bool
  ) throws -> String {
    String(
      decoding: try renderHTMLBytes(items, asOf: asOf, ruleSet: ruleSet, templates: templates, fastRows: fastRows),
      as: UTF8.self)
  }

  /// The bytes of worklist.html. On the fast path Mustache renders the frame with a marker where each list's rows go,
  /// and the rows are rendered straight into the page at the markers (no `String` of rows handed to Mustache and
  /// copied into its output); when the markers do not come out once each and in list order (a template that repeats
  /// or drops the rows), the rows are handed to Mustache as text instead.
  static func renderHTMLBytes(
    _ items: [WorklistItem], asOf: Day, ruleSet: RuleSet, templates: String?, fastRows: Bool
  ) throws -> [UInt8] {
    let (source, sourcePath) = try Templates.source("worklist", from: templates)
    var template = try Templates.parse(source, path: sourcePath)
    var rows: WorklistRowTemplate?
    if fastRows, let split = WorklistRowTemplate.split(source),
      let frame = try? Templates.parse(split.frame, path: sourcePath)
    {
      template = frame
      rows = split.rows
    }
    var order: [String] = []
    var byList: [String: [Int]] = [:]
    // Items read in place: a copy of each would retain and release its dozen strings.
    for i in items.indices {
      if byList[items[i].list] == nil { order.append(items[i].list) }
      byList[items[i].list, default: []].append(i)
    }
    func context(rowsText: (Int) -> String) -> [String: Any] {
      let lists: [[String: Any]] = order.enumerated().map { k, list in
        let positions = byList[list]!
        let first = positions[0]
        let title =
          items[first].caseManagerID.isEmpty
          ? "Unassigned patients — practice \(items[first].practiceID)" : "Case manager \(list)"
        var patients = Set<String>()
        var overdue = 0
        var new = 0
        var overCapacity = 0
        for i in positions {
          patients.insert(items[i].patientID)
          if items[i].isOverdue { overdue += 1 }
          if items[i].status == .new { new += 1 }
          if items[i].overCapacity { overCapacity += 1 }
        }
        var values: [String: Any] = [
          "title": title, "anchor": "list-" + fileName(list), "count": positions.count, "patients": patients.count,
          "overdue": overdue, "new": new, "overCapacity": overCapacity > 0 ? overCapacity : false,
        ]
        if rows != nil {
          values[WorklistRowTemplate.rowsKey] = rowsText(k)
        } else {
          values["items"] = byList[list]!.map { row(items[$0]) }
        }
        return values
      }
      var patients = Set<String>()
      for i in items.indices { patients.insert(items[i].patientID) }
      return [
        "asOf": asOf.description, "itemCount": items.count, "patientCount": patients.count,
        "listCount": order.count, "overdueCount": items.lazy.filter(\.isOverdue).count, "ruleSet": ruleSet.name,
        "ruleSetVersion": ruleSet.version, "ruleSetSHA": String(ruleSet.sha256.prefix(12)),
        "version": StratifyVersion.current, "lists": lists,
      ]
    }
    guard let rows else { return Array(template.render(context { _ in "" }).utf8) }
    let marker = Array("\u{1}stratify-rows\u{2}".utf8)
    let frame = Array(template.render(context { _ in "\u{1}stratify-rows\u{2}" }).utf8)
    var cuts: [Int] = []
    var i = 0
    while i + marker.count <= frame.count {
      if frame[i] == marker[0] && frame[i..<(i + marker.count)].elementsEqual(marker) {
        cuts.append(i)
        i += marker.count
      } else {
        i += 1
      }
    }
    guard cuts.count == order.count else {
      var buffer: [UInt8] = []
      return Array(
        template.render(
          context { k in
            buffer.removeAll(keepingCapacity: true)
            rows.render(items, at: byList[order[k]]!, into: &buffer)
            return String(decoding: buffer, as: UTF8.self)
          }
        ).utf8)
    }
    var page: [UInt8] = []
    page.reserveCapacity(frame.count + items.count * 1024)
    var start = 0
    for (k, cut) in cuts.enumerated() {
      page.append(contentsOf: frame[start..<cut])
      rows.render(items, at: byList[order[k]]!, into: &page)
      start = cut + marker.count
    }
    page.append(contentsOf: frame[start...])
    return page
  }

  /// "3 days overdue", "due today", "in 5 days".
  static func dueText(_ daysUntilDue: Int) -> String {
    switch daysUntilDue {
    case ..<(-1): return "\(-daysUntilDue) days overdue"
    case -1: return "1 day overdue"
    case 0: return "due today"
    case 1: return "due tomorrow"
    default: return "in \(daysUntilDue) days"
    }
  }

  static func row(_ item: WorklistItem) -> [String: Any] {
    let name = [item.firstName, item.lastName].filter { !$0.isEmpty }.joined(separator: " ")
    let dueText = Self.dueText(item.daysUntilDue)
    return [
      "due": item.due.description, "dueText": dueText, "overdue": item.isOverdue,
      "name": name.isEmpty ? "(no name)" : name, "patientID": item.patientID,
      "phone": item.phone.isEmpty ? "no phone" : item.phone, "practiceID": item.practiceID,
      "pcpID": item.pcpID.isEmpty ? "—" : item.pcpID, "actionLabel": item.actionLabel, "reasons": item.reasons,
      "tier": item.tier, "score": item.score, "overCapacity": item.overCapacity, "status": item.status.rawValue,
      "statusClass": item.status.rawValue,
      "daysOnListText": item.daysOnList == 0 ? "new today" : "\(item.daysOnList) days on list",
    ]
  }
}
