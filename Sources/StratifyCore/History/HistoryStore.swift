import Foundation
import GRDB
import GRDBSQLite

/// The run history in SQLite (`<output>/history.sqlite`), through GRDB: per run (as-of, rule set, input checksums,
/// counts, figures), per patient per run (score, tier), per action (opened, due, closed). It drives the worklist
/// status, the days on the list, and the trends of the reports.
///
/// Publishing is two-phase so that a run killed at any instant leaves history and outputs agreeing: a run is
/// recorded as `pending` in one transaction before its folder is renamed into place, and marked `published` (with
/// the previous run of the same as-of deleted) in a second one after. `recover` finishes or discards pending runs
/// left by a killed run, by looking at which run the published folder actually holds.
public final class HistoryStore: Sendable {
  public let path: String
  let queue: DatabaseQueue

  public init(path: String) throws {
    self.path = path
    do {
      var configuration = GRDB.Configuration()
      configuration.foreignKeysEnabled = true
      queue = try DatabaseQueue(path: path, configuration: configuration)
      try Self.migrator.migrate(queue)
    } catch {
      throw RunError.history(path: path, reason: "\(error)")
    }
    chmod(path, 0o640)
  }

  /// Versioned schema migrations; a new version appends a migration, never edits one.
  static var migrator: DatabaseMigrator {
    var migrator = DatabaseMigrator()
    migrator.registerMigration("v1: runs, patient scores, actions") { db in
      try db.create(table: "run") { t in
        t.autoIncrementedPrimaryKey("id")
        t.column("uid", .text).notNull().unique()
        t.column("as_of", .text).notNull()
        t.column("state", .text).notNull()  // pending | published
        t.column("started_at", .text).notNull()
        t.column("finished_at", .text)
        t.column("stratify_version", .text).notNull()
        t.column("rule_set_name", .text).notNull()
        t.column("rule_set_version", .text).notNull()
        t.column("rule_set_sha256", .text).notNull()
        t.column("inputs_json", .text).notNull()
        t.column("patients", .integer).notNull()
        t.column("worklist_items", .integer).notNull()
        t.column("overdue_items", .integer).notNull()
        t.column("closed_actions", .integer).notNull()
        t.column("metrics_json", .text).notNull()
      }
      try db.create(index: "run_as_of", on: "run", columns: ["as_of", "state"])
      try db.create(table: "patient_score") { t in
        t.column("run_id", .integer).notNull().references("run", onDelete: .cascade)
        t.column("patient_id", .text).notNull()
        t.column("score", .integer)
        t.column("tier", .text).notNull()
        t.primaryKey(["run_id", "patient_id"])
      }
      try db.create(table: "action") { t in
        t.column("run_id", .integer).notNull().references("run", onDelete: .cascade)
        t.column("patient_id", .text).notNull()
        t.column("action", .text).notNull()
        t.column("list", .text).notNull()
        t.column("tier", .text).notNull()
        t.column("opened_on", .text).notNull()
        t.column("due", .text).notNull()
        t.column("status", .text).notNull()  // open | closed
        t.column("closed_on", .text)
        t.primaryKey(["run_id", "patient_id", "action"])
      }
    }
    return migrator
  }

  /// Finishes or discards runs left `pending` by a killed run: published when `runs/<as-of>/manifest.json` holds
  /// their uid (the folder rename happened), deleted otherwise.
  public func recover(publishedUID: (Day) -> String?) throws {
    try write { db in
      let pending = try Row.fetchAll(db, sql: "SELECT id, uid, as_of FROM run WHERE state = 'pending'")
      for row in pending {
        let id: Int64 = row["id"]
        let uid: String = row["uid"]
        let asOfText: String = row["as_of"]
        if let asOf = Day(iso: asOfText), publishedUID(asOf) == uid {
          try Self.markPublished(db, id: id, asOf: asOfText)
        } else {
          try db.execute(sql: "DELETE FROM run WHERE id = ?", arguments: [id])
        }
      }
    }
  }

  /// The latest published run before `asOf`, with its open actions (for status and days on the list).
  public func previousWorklist(before asOf: Day, tierRank: (String) -> Int?) throws -> PreviousWorklist {
    try read { db in
      guard
        let run = try Row.fetchOne(
          db, sql: "SELECT id, as_of FROM run WHERE state = 'published' AND as_of < ? ORDER BY as_of DESC LIMIT 1",
          arguments: [asOf.description])
      else { return PreviousWorklist() }
      let id: Int64 = run["id"]
      var open: [String: PreviousWorklist.Entry] = [:]
      let rows = try Row.fetchCursor(
        db, sql: "SELECT patient_id, action, tier, opened_on FROM action WHERE run_id = ? AND status = 'open'",
        arguments: [id])
      while let row = try rows.next() {
        let tier: String = row["tier"]
        let opened: String = row["opened_on"]
        // A tier the current rule set no longer has compares as unchanged (carried).
        let rank = tierRank(tier) ?? Int.max
        open[PreviousWorklist.key(patient: row["patient_id"], action: row["action"])] = PreviousWorklist.Entry(
          openedOn: Day(iso: opened) ?? asOf, tierRank: rank)
      }
      let asOfText: String = run["as_of"]
      return PreviousWorklist(asOf: Day(iso: asOfText), open: open)
    }
  }

  /// Patients' tiers in the latest published run before `asOf` (tier movement in the report).
  public func previousTiers(before asOf: Day) throws -> [String: String] {
    try read { db in
      guard
        let id = try Int64.fetchOne(
          db, sql: "SELECT id FROM run WHERE state = 'published' AND as_of < ? ORDER BY as_of DESC LIMIT 1",
          arguments: [asOf.description])
      else { return [:] }
      var tiers: [String: String] = [:]
      let rows = try Row.fetchCursor(
        db, sql: "SELECT patient_id, tier FROM patient_score WHERE run_id = ?", arguments: [id])
      while let row = try rows.next() { tiers[row["patient_id"]] = row["tier"] }
      return tiers
    }
  }

  /// Summaries of the latest published runs before `asOf` (at most `limit`), oldest first, for trends.
  public func recentRuns(before asOf: Day, limit: Int) throws -> [RunRecord] {
    try read { db in
      try Row.fetchAll(
        db,
        sql: """
          SELECT as_of, patients, worklist_items, overdue_items, closed_actions, metrics_json FROM run
          WHERE state = 'published' AND as_of < ? ORDER BY as_of DESC LIMIT ?
          """, arguments: [asOf.description, limit]
      ).reversed().map { row in
        RunRecord(
          asOf: Day(iso: row["as_of"] as String) ?? asOf, patients: row["patients"],
          worklistItems: row["worklist_items"],
          overdueItems: row["overdue_items"], closedActions: row["closed_actions"], metricsJSON: row["metrics_json"])
      }
    }
  }

  /// Records a run as pending, with every patient's score and every action, in one transaction.
  public func recordPending(_ run: RunRecord.New) throws {
    try write { db in
      try db.execute(
        sql: """
          INSERT INTO run (uid, as_of, state, started_at, finished_at, stratify_version, rule_set_name, rule_set_version,
            rule_set_sha256, inputs_json, patients, worklist_items, overdue_items, closed_actions, metrics_json)
          VALUES (?, ?, 'pending', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
          """,
        arguments: [
          run.uid, run.asOf.description, run.startedAt, run.finishedAt, StratifyVersion.current, run.ruleSetName,
          run.ruleSetVersion, run.ruleSetSHA256, run.inputsJSON, run.patients.count, run.worklistItems,
          run.overdueItems,
          run.closedActions, run.metricsJSON,
        ])
      let id = db.lastInsertedRowID
      try Self.insertScores(db, runID: id, patients: run.patients)
      let actionStatement = try db.makeStatement(
        sql: """
          INSERT INTO action (run_id, patient_id, action, list, tier, opened_on, due, status, closed_on)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
          """)
      for a in run.actions {
        try actionStatement.execute(arguments: [
          id, a.patientID, a.action, a.list, a.tier, a.openedOn.description, a.due.description,
          a.closed ? "closed" : "open", a.closed ? run.asOf.description : nil,
        ])
      }
    }
  }

  /// Inserts one `patient_score` row per patient (a million at a time in a nightly run) through one prepared
  /// statement driven by the SQLite C API: values are bound in place (integers as integers, text without a copy,
  /// as GRDB binds it: NUL-terminated, `SQLITE_STATIC`), with no `StatementArguments` array and no GRDB
  /// per-execution bookkeeping per row. Runs inside the caller's transaction, so the two-phase publish protocol is
  /// unchanged: the rows become visible with the pending run, or not at all.
  static func insertScores(
    _ db: Database, runID: Int64, patients: [(patientID: String, score: Int?, tier: String)]
  ) throws {
    let statement = try db.makeStatement(
      sql: "INSERT INTO patient_score (run_id, patient_id, score, tier) VALUES (?, ?, ?, ?)")
    let sqlite = statement.sqliteStatement
    defer {
      sqlite3_reset(sqlite)
      sqlite3_clear_bindings(sqlite)
    }
    for p in patients {
      sqlite3_bind_int64(sqlite, 1, runID)
      if let score = p.score { sqlite3_bind_int64(sqlite, 3, Int64(score)) } else { sqlite3_bind_null(sqlite, 3) }
      let code = p.patientID.withCString { patientID in
        p.tier.withCString { tier in
          sqlite3_bind_text(sqlite, 2, patientID, -1, nil)
          sqlite3_bind_text(sqlite, 4, tier, -1, nil)
          let code = sqlite3_step(sqlite)
          sqlite3_reset(sqlite)
          return code
        }
      }
      guard code == SQLITE_DONE else {
        throw DatabaseError(
          resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)),
          sql: statement.sql)
      }
    }
  }

  /// Makes a pending run the published run of its as-of (replacing an earlier run of the same date).
  public func publish(uid: String) throws {
    try write { db in
      guard let row = try Row.fetchOne(db, sql: "SELECT id, as_of FROM run WHERE uid = ?", arguments: [uid]) else {
        return
      }
      try Self.markPublished(db, id: row["id"], asOf: row["as_of"])
    }
  }

  /// Published runs, oldest first (tests, retention).
  public func publishedAsOfs() throws -> [String] {
    try read { db in try String.fetchAll(db, sql: "SELECT as_of FROM run WHERE state = 'published' ORDER BY as_of") }
  }

  static func markPublished(_ db: Database, id: Int64, asOf: String) throws {
    try db.execute(sql: "DELETE FROM run WHERE as_of = ? AND state = 'published' AND id != ?", arguments: [asOf, id])
    try db.execute(sql: "UPDATE run SET state = 'published' WHERE id = ?", arguments: [id])
  }

  func read<T>(_ body: (Database) throws -> T) throws -> T {
    do { return try queue.read(body) } catch { throw RunError.history(path: path, reason: "\(error)") }
  }

  func write<T>(_ body: (Database) throws -> T) throws -> T {
    do { return try queue.write(body) } catch { throw RunError.history(path: path, reason: "\(error)") }
  }
}

/// A run as the history keeps it.
public struct RunRecord: Sendable {
  public var asOf: Day
  public var patients: Int
  public var worklistItems: Int
  public var overdueItems: Int
  public var closedActions: Int
  /// The run's metrics.json, for trends.
  public var metricsJSON: String

  /// Everything recorded for a new run.
  public struct New: Sendable {
    public var uid: String
    public var asOf: Day
    public var startedAt: String
    public var finishedAt: String
    public var ruleSetName: String
    public var ruleSetVersion: String
    public var ruleSetSHA256: String
    public var inputsJSON: String
    public var patients: [(patientID: String, score: Int?, tier: String)]
    public var actions:
      [(patientID: String, action: String, list: String, tier: String, openedOn: Day, due: Day, closed: Bool)]
    public var worklistItems: Int
    public var overdueItems: Int
    public var closedActions: Int
    public var metricsJSON: String
  }
}
