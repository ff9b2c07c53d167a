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

  public static func writeCSV(_ items: [WorklistItem], to path: String) throws {
    let writer = try OutputFile.CSV(path: path)
    try writer.writeRow(header)
    for item in items {
      let reasons = item.reasons + Array(repeating: "", count: max(0, 3 - item.reasons.count))
      try writer.writeRow(
        [
          item.caseManagerID, item.patientID, item.action, item.due.description, item.tier, String(item.score),
          item.firstName, item.lastName, item.phone, item.practiceID, item.pcpID,
        ] + reasons.prefix(3) + [
          item.actionLabel, String(item.daysUntilDue), item.status.rawValue, String(item.daysOnList),
          item.overCapacity ? "yes" : "no", item.list,
        ])
    }
    try writer.close()
  }

  /// One CSV per list, in `folder` (created 0750).
  public static func writeListFiles(_ items: [WorklistItem], folder: String) throws {
    guard mkdir(folder, OutputFolder.folderPermissions) == 0 || errno == EEXIST else {
      throw CSVWriteError.cannotCreate(path: folder, reason: String(cString: strerror(errno)))
    }
    var byList: [String: [WorklistItem]] = [:]
    for item in items { byList[item.list, default: []].append(item) }
    for (list, listItems) in byList {
      try writeCSV(listItems, to: folder + "/" + fileName(list) + ".csv")
    }
  }

  /// A list id made safe as a file name.
  public static func fileName(_ list: String) -> String {
    let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")
    let safe = String(list.map { allowed.contains($0) ? $0 : "_" })
    return safe.isEmpty || safe.hasPrefix(".") ? "_" + safe : safe
  }

  /// Renders worklist.html. The rows go through `WorklistRowTemplate` when the template allows it (the shipped one
  /// does), the page frame through Mustache; otherwise the whole page through Mustache. Same bytes either way.
  public static func writeHTML(
    _ items: [WorklistItem], asOf: Day, ruleSet: RuleSet, templates: String?, to path: String
  ) throws {
    try OutputFile.write(
      renderHTML(items, asOf: asOf, ruleSet: ruleSet, templates: templates, fastRows: true), to: path, sync: false)
  }

  /// The text of worklist.html; `fastRows: false` renders every row with Mustache (the reference for tests).
  static func renderHTML(
    _ items: [WorklistItem], asOf: Day, ruleSet: RuleSet, templates: String?, fastRows: Bool
  ) throws -> String {
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
    for (i, item) in items.enumerated() {
      if byList[item.list] == nil { order.append(item.list) }
      byList[item.list, default: []].append(i)
    }
    var buffer: [UInt8] = []
    let lists: [[String: Any]] = order.map { list in
      let listItems = byList[list]!.lazy.map { items[$0] }
      let first = items[byList[list]![0]]
      let title =
        first.caseManagerID.isEmpty ? "Unassigned patients — practice \(first.practiceID)" : "Case manager \(list)"
      var patients = Set<String>()
      var overdue = 0
      var new = 0
      var overCapacity = 0
      for item in listItems {
        patients.insert(item.patientID)
        if item.isOverdue { overdue += 1 }
        if item.status == .new { new += 1 }
        if item.overCapacity { overCapacity += 1 }
      }
      var values: [String: Any] = [
        "title": title, "anchor": "list-" + fileName(list), "count": listItems.count, "patients": patients.count,
        "overdue": overdue, "new": new, "overCapacity": overCapacity > 0 ? overCapacity : false,
      ]
      if let rows {
        buffer.removeAll(keepingCapacity: true)
        rows.render(listItems, into: &buffer)
        values[WorklistRowTemplate.rowsKey] = String(decoding: buffer, as: UTF8.self)
      } else {
        values["items"] = byList[list]!.map { row(items[$0]) }
      }
      return values
    }
    var patients = Set<String>()
    for item in items { patients.insert(item.patientID) }
    let context: [String: Any] = [
      "asOf": asOf.description, "itemCount": items.count, "patientCount": patients.count,
      "listCount": order.count, "overdueCount": items.lazy.filter(\.isOverdue).count, "ruleSet": ruleSet.name,
      "ruleSetVersion": ruleSet.version, "ruleSetSHA": String(ruleSet.sha256.prefix(12)),
      "version": StratifyVersion.current, "lists": lists,
    ]
    return template.render(context)
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
