import Foundation
import GRDB
import Testing

@testable import StratifyCore

@Suite struct HistoryStoreTests {
  static func temporaryPath() -> String { NSTemporaryDirectory() + "history-\(UUID().uuidString).sqlite" }

  static func record(uid: String, asOf: String, patients: [(patientID: String, score: Int?, tier: String)])
    -> RunRecord.New
  {
    RunRecord.New(
      uid: uid, asOf: Day(iso: asOf)!, startedAt: "t0", finishedAt: "t1", ruleSetName: "r", ruleSetVersion: "1",
      ruleSetSHA256: "0", inputsJSON: "[]", patients: PatientScoreRows(patients),
      actions: [("P0001", "call", "CM1", "high", Day(iso: asOf)!, Day(iso: asOf)! + 2, false)], worklistItems: 1,
      overdueItems: 0, closedActions: 0, metricsJSON: "{}")
  }

  /// Counts around the 128-row statements, ids out of order, scores missing: every row is stored as given.
  @Test(arguments: [0, 1, 127, 128, 129, 300])
  func scoresRoundTripWhateverTheirCountAndOrder(count: Int) throws {
    let path = Self.temporaryPath()
    defer { try? FileManager.default.removeItem(atPath: path) }
    let tiers = ["low", "rising", "high", "intensive"]
    let patients = (0..<count).reversed().map { i -> (patientID: String, score: Int?, tier: String) in
      (String(format: "P%04d", i), i % 7 == 0 ? nil : i % 23 - 5, tiers[i % tiers.count])
    }
    let store = try HistoryStore(path: path)
    try store.recordPending(Self.record(uid: "u1", asOf: "2026-11-20", patients: patients))
    try store.publish(uid: "u1")
    let previous = try store.previousTiers(before: Day(iso: "2026-11-21")!)
    #expect(previous == Dictionary(uniqueKeysWithValues: patients.map { ($0.patientID, $0.tier) }))
    // The same tiers by position in a run whose patients are these in another order, and one new patient.
    let current = ["NEW"] + patients.map(\.patientID).shuffled()
    let byPosition = try store.previousTiers(
      before: Day(iso: "2026-11-21")!, patientCount: current.count,
      position: { bytes in current.firstIndex(of: String(decoding: bytes, as: UTF8.self)) })
    #expect(byPosition.total == count)
    #expect(
      Dictionary(uniqueKeysWithValues: zip(byPosition.names, byPosition.counts))
        == Dictionary(grouping: patients, by: \.tier).mapValues(\.count))
    #expect(byPosition.tier(of: 0) == nil)
    for (k, id) in current.enumerated().dropFirst() { #expect(byPosition.tier(of: k) == previous[id]) }
    let stored = try DatabaseQueue(path: path).read { db in
      try Row.fetchAll(db, sql: "SELECT patient_id, score FROM patient_score ORDER BY patient_id").map {
        ($0["patient_id"] as String, $0["score"] as Int?)
      }
    }
    let expected = patients.sorted { $0.patientID < $1.patientID }
    #expect(stored.map(\.0) == expected.map(\.patientID))
    #expect(stored.map(\.1) == expected.map(\.score))
  }

  /// The foreign-key checks are off only while the rows are inserted: replacing a run of the same date still
  /// cascades to its patient rows.
  @Test func replacingARunDeletesItsPatientRows() throws {
    let path = Self.temporaryPath()
    defer { try? FileManager.default.removeItem(atPath: path) }
    let store = try HistoryStore(path: path)
    let patients: [(patientID: String, score: Int?, tier: String)] = [("P0001", 3, "high"), ("P0002", nil, "low")]
    try store.recordPending(Self.record(uid: "u1", asOf: "2026-11-20", patients: patients))
    #expect(try store.publish(uid: "u1") == 0)
    try store.recordPending(Self.record(uid: "u2", asOf: "2026-11-20", patients: patients))
    #expect(try store.publish(uid: "u2") == 1)
    let counts = try DatabaseQueue(path: path).read { db in
      (
        try Int.fetchOne(db, sql: "SELECT count(*) FROM patient_score")!,
        try Int.fetchOne(db, sql: "SELECT count(*) FROM action")!,
        try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").count
      )
    }
    #expect(counts == (2, 1, 0))
  }

  /// A history written before v2 keeps every patient row, in the table without rowid.
  @Test func aVersion1HistoryIsMigrated() throws {
    let path = Self.temporaryPath()
    defer { try? FileManager.default.removeItem(atPath: path) }
    try DatabaseQueue(path: path).write { db in
      try db.execute(
        sql: """
          CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY);
          INSERT INTO grdb_migrations VALUES ('v1: runs, patient scores, actions');
          CREATE TABLE "run" ("id" INTEGER PRIMARY KEY AUTOINCREMENT, "uid" TEXT NOT NULL UNIQUE, "as_of" TEXT NOT NULL,
            "state" TEXT NOT NULL, "started_at" TEXT NOT NULL, "finished_at" TEXT, "stratify_version" TEXT NOT NULL,
            "rule_set_name" TEXT NOT NULL, "rule_set_version" TEXT NOT NULL, "rule_set_sha256" TEXT NOT NULL,
            "inputs_json" TEXT NOT NULL, "patients" INTEGER NOT NULL, "worklist_items" INTEGER NOT NULL,
            "overdue_items" INTEGER NOT NULL, "closed_actions" INTEGER NOT NULL, "metrics_json" TEXT NOT NULL);
          CREATE INDEX "run_as_of" ON "run"("as_of", "state");
          CREATE TABLE "patient_score" ("run_id" INTEGER NOT NULL REFERENCES "run"("id") ON DELETE CASCADE,
            "patient_id" TEXT NOT NULL, "score" INTEGER, "tier" TEXT NOT NULL, PRIMARY KEY ("run_id", "patient_id"));
          CREATE TABLE "action" ("run_id" INTEGER NOT NULL REFERENCES "run"("id") ON DELETE CASCADE,
            "patient_id" TEXT NOT NULL, "action" TEXT NOT NULL, "list" TEXT NOT NULL, "tier" TEXT NOT NULL,
            "opened_on" TEXT NOT NULL, "due" TEXT NOT NULL, "status" TEXT NOT NULL, "closed_on" TEXT,
            PRIMARY KEY ("run_id", "patient_id", "action"));
          INSERT INTO run VALUES (1, 'u1', '2026-11-20', 'published', 't0', 't1', 'v', 'r', '1', '0', '[]', 3, 0, 0, 0,
            '{}');
          INSERT INTO patient_score VALUES (1, 'P2', NULL, 'low'), (1, 'P1', 5, 'high'), (1, 'P3', 2, 'rising');
          """)
    }
    let store = try HistoryStore(path: path)
    #expect(try store.previousTiers(before: Day(iso: "2026-11-21")!) == ["P1": "high", "P2": "low", "P3": "rising"])
    let (sql, scores) = try DatabaseQueue(path: path).read { db in
      (
        try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE name = 'patient_score'") ?? "",
        try Int?.fetchAll(db, sql: "SELECT score FROM patient_score ORDER BY patient_id")
      )
    }
    #expect(sql.contains("WITHOUT ROWID"))
    #expect(scores == [5, nil, 2])
  }
}
