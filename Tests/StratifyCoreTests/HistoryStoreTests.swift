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

  /// `keep_runs`: runs beyond the newest N + 1 (by as-of, never the current one) lose their patient and action rows,
  /// and keep their own row; pruning again finds nothing left to delete.
  @Test func pruningKeepsTheNewestRunsRowsAndEveryRunsSummary() throws {
    let path = Self.temporaryPath()
    defer { try? FileManager.default.removeItem(atPath: path) }
    let store = try HistoryStore(path: path)
    let patients: [(patientID: String, score: Int?, tier: String)] = [("P0001", 3, "high"), ("P0002", nil, "low")]
    for (k, day) in ["2026-11-18", "2026-11-16", "2026-11-19", "2026-11-17", "2026-11-20"].enumerated() {
      try store.recordPending(Self.record(uid: "u\(k)", asOf: day, patients: patients))
      try store.publish(uid: "u\(k)")
    }
    func rowsByRun() throws -> [String: Int] {
      try DatabaseQueue(path: path).read { db in
        Dictionary(
          uniqueKeysWithValues: try Row.fetchAll(
            db,
            sql: """
              SELECT as_of, (SELECT count(*) FROM patient_score WHERE run_id = run.id)
                + (SELECT count(*) FROM action WHERE run_id = run.id) AS n FROM run
              """
          ).map { ($0["as_of"] as String, $0["n"] as Int) })
      }
    }
    // The newest two, the night before them, and the current run (a re-run of an older night) keep their rows.
    #expect(try store.prune(keepingNewest: 2, current: Day(iso: "2026-11-17")!) == 1)
    #expect(
      try rowsByRun() == ["2026-11-16": 0, "2026-11-17": 3, "2026-11-18": 3, "2026-11-19": 3, "2026-11-20": 3])
    #expect(try store.prune(keepingNewest: 2, current: Day(iso: "2026-11-20")!) == 1)
    #expect(try store.prune(keepingNewest: 2, current: Day(iso: "2026-11-20")!) == 0)
    #expect(
      try rowsByRun() == ["2026-11-16": 0, "2026-11-17": 0, "2026-11-18": 3, "2026-11-19": 3, "2026-11-20": 3])
    #expect(try store.publishedAsOfs() == ["2026-11-16", "2026-11-17", "2026-11-18", "2026-11-19", "2026-11-20"])
    #expect(try store.recentRuns(before: Day(iso: "2026-11-21")!, limit: 10).count == 5)
    // Re-running the oldest kept night compares with the night before it.
    #expect(try store.previousTiers(before: Day(iso: "2026-11-19")!) == ["P0001": "high", "P0002": "low"])
    #expect(try store.previousWorklist(before: Day(iso: "2026-11-19")!, tierRank: { _ in 0 }).open.count == 1)
    // A night whose previous run was pruned has nothing to compare with, as a first night.
    #expect(try store.previousTiers(before: Day(iso: "2026-11-18")!).isEmpty)
    let pruned = try store.previousWorklist(before: Day(iso: "2026-11-18")!, tierRank: { _ in 0 })
    #expect(pruned.asOf == nil && pruned.open.isEmpty)
    #expect(try store.prune(keepingNewest: 1, current: Day(iso: "2026-11-20")!) == 1)
    #expect(try store.previousWorklist(before: Day(iso: "2026-11-21")!, tierRank: { _ in 0 }).open.count == 1)
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
