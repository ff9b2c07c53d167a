import Foundation

/// `manifest.json`: what a run read, with which rules, what it produced, and how it ended. It is the one output
/// that differs between two runs on the same data (times and the run uid).
public struct Manifest: Sendable, Encodable {
  public struct Input: Sendable, Encodable {
    public var file: String
    public var path: String
    public var bytes: Int
    public var sha256: String
    public var rowsRead: Int
    public var rowsAccepted: Int
    public var rowsRejected: Int
    public var unknownColumns: [String]
  }

  public struct RuleSetInfo: Sendable, Encodable {
    public var name: String
    public var version: String
    public var sha256: String
    public var file: String
  }

  public struct WorklistInfo: Sendable, Encodable {
    public var items: Int
    public var overdue: Int
    public var patients: Int
    public var lists: Int
    public var overCapacity: Int
    public var closedActions: Int
  }

  public var stratifyVersion: String
  public var runUID: String
  public var asOf: String
  public var startedAt: String
  public var finishedAt: String
  public var exitStatus: Int
  public var inputs: [Input]
  public var ruleSet: RuleSetInfo
  public var patientsPerTier: [String: Int]
  public var worklist: WorklistInfo
  public var outputs: [String]

  public var json: String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.keyEncodingStrategy = .convertToSnakeCase
    return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self) + "\n"
  }

  /// The run uid recorded in a published run's manifest (history recovery), nil when unreadable.
  public static func runUID(atPath path: String) -> String? {
    guard let data = FileManager.default.contents(atPath: path),
      let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
    else { return nil }
    return object["run_uid"] as? String
  }

  /// ISO 8601 UTC timestamp.
  public static func timestamp(_ date: Date) -> String {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime]
    formatter.timeZone = TimeZone(identifier: "UTC")
    return formatter.string(from: date)
  }
}
