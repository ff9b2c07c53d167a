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
    let writer = try CSVWriter(path: path, permissions: OutputFolder.filePermissions, protectFormulas: true)
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

  /// Renders worklist.html.
  public static func writeHTML(
    _ items: [WorklistItem], asOf: Day, ruleSet: RuleSet, templates: String?, to path: String
  ) throws {
    let template = try Templates.load("worklist", from: templates)
    var order: [String] = []
    var byList: [String: [WorklistItem]] = [:]
    for item in items {
      if byList[item.list] == nil { order.append(item.list) }
      byList[item.list, default: []].append(item)
    }
    let lists: [[String: Any]] = order.map { list in
      let listItems = byList[list]!
      let first = listItems[0]
      let title =
        first.caseManagerID.isEmpty ? "Unassigned patients — practice \(first.practiceID)" : "Case manager \(list)"
      return [
        "title": title, "anchor": "list-" + fileName(list), "count": listItems.count,
        "patients": Set(listItems.map(\.patientID)).count, "overdue": listItems.filter(\.isOverdue).count,
        "new": listItems.filter { $0.status == .new }.count,
        "overCapacity": listItems.filter(\.overCapacity).count > 0 ? listItems.filter(\.overCapacity).count : false,
        "items": listItems.map(row),
      ]
    }
    let context: [String: Any] = [
      "asOf": asOf.description, "itemCount": items.count, "patientCount": Set(items.map(\.patientID)).count,
      "listCount": order.count, "overdueCount": items.filter(\.isOverdue).count, "ruleSet": ruleSet.name,
      "ruleSetVersion": ruleSet.version, "ruleSetSHA": String(ruleSet.sha256.prefix(12)),
      "version": StratifyVersion.current, "lists": lists,
    ]
    try OutputFile.write(template.render(context), to: path)
  }

  static func row(_ item: WorklistItem) -> [String: Any] {
    let name = [item.firstName, item.lastName].filter { !$0.isEmpty }.joined(separator: " ")
    let dueText: String
    switch item.daysUntilDue {
    case ..<(-1): dueText = "\(-item.daysUntilDue) days overdue"
    case -1: dueText = "1 day overdue"
    case 0: dueText = "due today"
    case 1: dueText = "due tomorrow"
    default: dueText = "in \(item.daysUntilDue) days"
    }
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
