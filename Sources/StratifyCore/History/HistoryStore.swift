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
    migrator.registerMigration("v2: patient_score without rowid") { db in
      // Same columns, key and meaning; the rows live in the primary key's b-tree alone instead of a rowid table plus
      // an index on (run_id, patient_id): a nightly insert of a million rows writes one b-tree instead of two (about
      // a third less CPU, half the file size), and reading or deleting a run's rows is one range of that key.
      try db.execute(
        sql: """
          CREATE TABLE patient_score_v2 (
            run_id INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,
            patient_id TEXT NOT NULL,
            score INTEGER,
            tier TEXT NOT NULL,
            PRIMARY KEY (run_id, patient_id)
          ) WITHOUT ROWID;
          INSERT INTO patient_score_v2 (run_id, patient_id, score, tier)
            SELECT run_id, patient_id, score, tier FROM patient_score ORDER BY run_id, patient_id;
          DROP TABLE patient_score;
          ALTER TABLE patient_score_v2 RENAME TO patient_score;
          """)
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
      guard let run = try Self.previousRun(db, before: asOf) else { return PreviousWorklist() }
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

  /// The latest published run before `asOf` (id, as_of, patients), unless `prune` deleted its rows: then there is no
  /// previous night to compare with, as before a first run (a re-run of a night older than `keep_runs` keeps).
  private static func previousRun(_ db: Database, before asOf: Day) throws -> Row? {
    guard
      let run = try Row.fetchOne(
        db,
        sql: """
          SELECT id, as_of, patients, EXISTS (SELECT 1 FROM patient_score WHERE run_id = run.id) AS kept FROM run
          WHERE state = 'published' AND as_of < ? ORDER BY as_of DESC LIMIT 1
          """, arguments: [asOf.description])
    else { return nil }
    return run["kept"] as Bool || run["patients"] as Int == 0 ? run : nil
  }

  /// Patients' tiers in the latest published run before `asOf`, by patient_id.
  public func previousTiers(before asOf: Day) throws -> [String: String] {
    var tiers: [String: String] = [:]
    var names: [String] = []
    try visitPreviousTiers(before: asOf) { patients in
      tiers.reserveCapacity(patients)
    } row: { id, tierBytes in
      let tier: String
      if let known = names.first(where: { $0.utf8.elementsEqual(tierBytes) }) {
        tier = known
      } else {
        tier = String(decoding: tierBytes, as: UTF8.self)
        names.append(tier)
      }
      tiers[String(decoding: id, as: UTF8.self)] = tier
    }
    return tiers
  }

  /// The tiers in the latest published run before `asOf` of this run's `patientCount` patients (tier movement in
  /// the report); `position` gives the position in this run of the patient with a patient_id's bytes (nil when no
  /// patient has it). No dictionary of ids is built: four bytes per patient.
  public func previousTiers(
    before asOf: Day, patientCount: Int, position: (UnsafeRawBufferPointer) -> Int?
  ) throws -> PreviousTiers {
    var tiers = PreviousTiers()
    try visitPreviousTiers(before: asOf) { _ in
    } row: { id, tier in
      tiers.add(tierBytes: tier, position: position(id), patientCount: patientCount)
    }
    return tiers
  }

  /// Calls `start` with the patient count of the latest published run before `asOf` (when there is one), then
  /// `row` with each of its patients' patient_id and tier, as bytes valid during the call.
  ///
  /// A million rows a night: read with the SQLite C API (no GRDB `Row`, no `String` per row).
  private func visitPreviousTiers(
    before asOf: Day, start: (Int) -> Void, row: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) -> Void
  ) throws {
    try read { db in
      guard let run = try Self.previousRun(db, before: asOf) else { return }
      let id: Int64 = run["id"]
      start(run["patients"])
      let statement = try db.makeStatement(sql: "SELECT patient_id, tier FROM patient_score WHERE run_id = ?")
      let sqlite = statement.sqliteStatement
      defer {
        sqlite3_reset(sqlite)
        sqlite3_clear_bindings(sqlite)
      }
      sqlite3_bind_int64(sqlite, 1, id)
      while true {
        let code = sqlite3_step(sqlite)
        if code == SQLITE_DONE { break }
        guard code == SQLITE_ROW else {
          throw DatabaseError(
            resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)),
            sql: statement.sql)
        }
        row(
          UnsafeRawBufferPointer(start: sqlite3_column_text(sqlite, 0), count: Int(sqlite3_column_bytes(sqlite, 0))),
          UnsafeRawBufferPointer(start: sqlite3_column_text(sqlite, 1), count: Int(sqlite3_column_bytes(sqlite, 1))))
      }
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
    try recordPending(uid: run.uid, asOf: run.asOf, patients: run.patients) { run }
  }

  /// Records a run as pending in one transaction, in two steps so that the million patient rows can go in while the
  /// caller is still computing the rest: the run row (with placeholder figures) and every patient's score first, then
  /// `details()` is called (it may wait for another thread) and its actions, counts and figures complete the run
  /// row. Nothing is visible before the commit, so a run killed or failing at any point (including `details()`
  /// throwing) leaves the history as it was.
  ///
  /// The patient and action rows reference the run row inserted at the start of the same transaction, so SQLite's
  /// per-row foreign-key check (a lookup in `run` for each of a million rows, ~30% of the insert) can only pass: it is
  /// turned off for this transaction and back on after it (a setting of the connection, not of the file).
  public func recordPending(
    uid: String, asOf: Day, patients: PatientScoreRows, details: () throws -> RunRecord.New
  ) throws {
    do {
      try queue.writeWithoutTransaction { db in
        try db.execute(sql: "PRAGMA foreign_keys = OFF")
        do {
          try db.inTransaction {
            let id = try Self.insertPendingRun(db, uid: uid, asOf: asOf)
            try Self.insertScores(db, runID: id, patients: patients)
            try Self.completePending(db, id: id, try details())
            return .commit
          }
        } catch {
          try? db.execute(sql: "PRAGMA foreign_keys = ON")
          throw error
        }
        // Publishing relies on ON DELETE CASCADE (replacing a run of the same date): the checks must be back on.
        try db.execute(sql: "PRAGMA foreign_keys = ON")
        guard try Bool.fetchOne(db, sql: "PRAGMA foreign_keys") == true else {
          throw DatabaseError(message: "foreign keys could not be turned back on")
        }
      }
    } catch let error as StratifyError {
      throw error
    } catch {
      throw RunError.history(path: path, reason: "\(error)")
    }
  }

  /// The pending run's row, its figures still placeholders (`completePending` sets them in the same transaction).
  static func insertPendingRun(_ db: Database, uid: String, asOf: Day) throws -> Int64 {
    try db.execute(
      sql: """
        INSERT INTO run (uid, as_of, state, started_at, finished_at, stratify_version, rule_set_name, rule_set_version,
          rule_set_sha256, inputs_json, patients, worklist_items, overdue_items, closed_actions, metrics_json)
        VALUES (?, ?, 'pending', '', NULL, ?, '', '', '', '', 0, 0, 0, 0, '')
        """,
      arguments: [uid, asOf.description, StratifyVersion.current])
    return db.lastInsertedRowID
  }

  /// Sets the run row's figures and inserts its actions.
  static func completePending(_ db: Database, id: Int64, _ run: RunRecord.New) throws {
    try db.execute(
      sql: """
        UPDATE run SET started_at = ?, finished_at = ?, rule_set_name = ?, rule_set_version = ?, rule_set_sha256 = ?,
          inputs_json = ?, patients = ?, worklist_items = ?, overdue_items = ?, closed_actions = ?, metrics_json = ?
        WHERE id = ?
        """,
      arguments: [
        run.startedAt, run.finishedAt, run.ruleSetName, run.ruleSetVersion, run.ruleSetSHA256, run.inputsJSON,
        run.patients.count, run.worklistItems, run.overdueItems, run.closedActions, run.metricsJSON, id,
      ])
    // Tens of thousands of rows a night: bound through the SQLite C API (SQLite copies each text), not through an
    // array of GRDB values per row.
    let statement = try db.makeStatement(
      sql: """
        INSERT INTO action (run_id, patient_id, action, list, tier, opened_on, due, status, closed_on)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
        """)
    let sqlite = statement.sqliteStatement
    let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
    func bind(_ column: Int32, _ text: String) {
      var text = text
      text.withUTF8 { bytes in
        guard let base = bytes.baseAddress, !bytes.isEmpty else {
          sqlite3_bind_text(sqlite, column, "", 0, transient)  // '' (a null pointer would bind NULL)
          return
        }
        base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
          _ = sqlite3_bind_text(sqlite, column, $0, Int32(bytes.count), transient)
        }
      }
    }
    let asOf = run.asOf.description
    for a in run.actions {
      sqlite3_bind_int64(sqlite, 1, id)
      bind(2, a.patientID)
      bind(3, a.action)
      bind(4, a.list)
      bind(5, a.tier)
      bind(6, a.openedOn.description)
      bind(7, a.due.description)
      bind(8, a.closed ? "closed" : "open")
      if a.closed { bind(9, asOf) } else { sqlite3_bind_null(sqlite, 9) }
      let code = sqlite3_step(sqlite)
      sqlite3_reset(sqlite)
      guard code == SQLITE_DONE else {
        throw DatabaseError(
          resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)),
          sql: statement.sql)
      }
    }
    sqlite3_clear_bindings(sqlite)
  }

  /// Rows per `INSERT … VALUES (…), (…), …` statement of `insertScores`.
  static let scoreRowsPerStatement = 128

  /// Inserts one `patient_score` row per patient (a million at a time in a nightly run) through prepared statements
  /// driven by the SQLite C API, `scoreRowsPerStatement` rows per statement (one statement step per 128 rows instead
  /// of per row). Values are bound in place: integers as integers, text from one byte buffer per statement
  /// (`SQLITE_STATIC`, valid until the step). Rows go in key order (sorted by patient_id when the extract is not),
  /// so they append to the right edge of the table's b-tree. Runs inside the caller's transaction, so the two-phase
  /// publish protocol is unchanged: the rows become visible with the pending run, or not at all.
  static func insertScores(
    _ db: Database, runID: Int64, patients: PatientScoreRows
  ) throws {
    var sorted = true
    for k in patients.indices.dropFirst()
    where !patients[k - 1].patientID.utf8Precedes(patients[k].patientID) {
      sorted = false
      break
    }
    let order =
      sorted
      ? nil
      : patients.indices.sorted { patients[$0].patientID.utf8.lexicographicallyPrecedes(patients[$1].patientID.utf8) }
    func makeStatement(rows: Int) throws -> Statement {
      // ?1 is the run id; row r binds ?(3r+2) patient_id, ?(3r+3) score, ?(3r+4) tier.
      let values = (0..<rows).map { r in "(?1, ?\(3 * r + 2), ?\(3 * r + 3), ?\(3 * r + 4))" }
      return try db.makeStatement(
        sql: "INSERT INTO patient_score (run_id, patient_id, score, tier) VALUES " + values.joined(separator: ", "))
    }
    let batch = scoreRowsPerStatement
    let full = try makeStatement(rows: batch)
    var text: [UInt8] = []
    var ranges: [(id: Range<Int>, tier: Range<Int>)] = []
    var start = 0
    while start < patients.count {
      let rows = min(batch, patients.count - start)
      let statement = rows == batch ? full : try makeStatement(rows: rows)
      let sqlite = statement.sqliteStatement
      text.removeAll(keepingCapacity: true)
      ranges.removeAll(keepingCapacity: true)
      for r in 0..<rows {
        let p = patients[order?[start + r] ?? (start + r)]
        let idStart = text.count
        text.append(contentsOf: p.patientID.utf8)
        let tierStart = text.count
        text.append(contentsOf: p.tier.utf8)
        ranges.append((idStart..<tierStart, tierStart..<text.count))
      }
      let code = text.withUnsafeBufferPointer { buffer -> Int32 in
        let base = buffer.baseAddress.map { UnsafeRawPointer($0) } ?? UnsafeRawPointer(bitPattern: 1)!
        sqlite3_bind_int64(sqlite, 1, runID)
        for r in 0..<rows {
          let p = patients[order?[start + r] ?? (start + r)]
          let column = Int32(3 * r + 2)
          let (id, tier) = ranges[r]
          sqlite3_bind_text(
            sqlite, column, (base + id.lowerBound).assumingMemoryBound(to: CChar.self), Int32(id.count), nil)
          if let score = p.score {
            sqlite3_bind_int64(sqlite, column + 1, Int64(score))
          } else {
            sqlite3_bind_null(sqlite, column + 1)
          }
          sqlite3_bind_text(
            sqlite, column + 2, (base + tier.lowerBound).assumingMemoryBound(to: CChar.self), Int32(tier.count), nil)
        }
        let code = sqlite3_step(sqlite)
        sqlite3_reset(sqlite)
        sqlite3_clear_bindings(sqlite)
        return code
      }
      guard code == SQLITE_DONE else {
        throw DatabaseError(
          resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)),
          sql: statement.sql)
      }
      start += rows
    }
  }

  /// Makes a pending run the published run of its as-of (replacing an earlier run of the same date); returns how
  /// many runs it replaced (0 or 1: a re-run of a night deletes the rows of the run it replaces, which takes a while
  /// for a large network).
  @discardableResult public func publish(uid: String) throws -> Int {
    try write { db in
      guard let row = try Row.fetchOne(db, sql: "SELECT id, as_of FROM run WHERE uid = ?", arguments: [uid]) else {
        return 0
      }
      return try Self.markPublished(db, id: row["id"], asOf: row["as_of"])
    }
  }

  /// Retention (`keep_runs`): deletes the per-patient scores and the actions of the published runs beyond the newest
  /// `keep` + 1 by as-of (the folders kept, and the night before them), never those of the run of `current`. The
  /// runs' own rows stay — as-of, rule set, input checksums, counts and figures — for the trends and as the record of
  /// what ran; a run only ever reads the rows of the run before it. Returns how many runs lost rows (0 once the older
  /// ones have none left).
  @discardableResult public func prune(keepingNewest keep: Int, current: Day) throws -> Int {
    // As `OutputFolder.prune` chooses the folders (beyond the newest `keep`, except the current run), keeping one
    // run more: the night before the oldest kept one, which a re-run of that night compares with. Only runs that
    // still have rows: those pruned on earlier nights are not visited again.
    let older = try read { db in
      try Int64.fetchAll(
        db,
        sql: """
          SELECT id FROM (
            SELECT id, as_of FROM run WHERE state = 'published' ORDER BY as_of DESC LIMIT -1 OFFSET ?
          ) AS older
          WHERE as_of != ? AND (EXISTS (SELECT 1 FROM patient_score WHERE run_id = older.id)
            OR EXISTS (SELECT 1 FROM action WHERE run_id = older.id))
          """, arguments: [keep + 1, current.description])
    }
    // One transaction a run: the first night with `keep_runs` on a long history deletes many runs' rows, and a
    // transaction per run keeps each lock and rollback journal to one run's size (what is done stays done).
    var pruned = 0
    for id in older {
      let deleted = try write { db in
        try db.execute(sql: "DELETE FROM patient_score WHERE run_id = ?", arguments: [id])
        let scores = db.changesCount
        try db.execute(sql: "DELETE FROM action WHERE run_id = ?", arguments: [id])
        return scores + db.changesCount
      }
      if deleted > 0 { pruned += 1 }
    }
    return pruned
  }

  /// Published runs, oldest first (tests, retention).
  public func publishedAsOfs() throws -> [String] {
    try read { db in try String.fetchAll(db, sql: "SELECT as_of FROM run WHERE state = 'published' ORDER BY as_of") }
  }

  /// Publishes run `id`, deleting the published runs of the same as-of; returns how many it deleted.
  @discardableResult static func markPublished(_ db: Database, id: Int64, asOf: String) throws -> Int {
    try db.execute(sql: "DELETE FROM run WHERE as_of = ? AND state = 'published' AND id != ?", arguments: [asOf, id])
    let replaced = db.changesCount
    try db.execute(sql: "UPDATE run SET state = 'published' WHERE id = ?", arguments: [id])
    return replaced
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
    public var patients: PatientScoreRows
    public var actions:
      [(patientID: String, action: String, list: String, tier: String, openedOn: Day, due: Day, closed: Bool)]
    public var worklistItems: Int
    public var overdueItems: Int
    public var closedActions: Int
    public var metricsJSON: String
  }
}

/// Each patient's id, score and tier for the history: read from the night's scores and records in place (a
/// million patients' rows are never copied into a separate array), or given as rows (tests).
public struct PatientScoreRows: RandomAccessCollection, Sendable {
  public typealias Row = (patientID: String, score: Int?, tier: String)

  private enum Storage: Sendable {
    case rows([Row])
    case scores([PatientScore], [PatientRecord])
  }

  private let storage: Storage

  public init(_ rows: [Row]) { storage = .rows(rows) }

  /// The rows of `scores`, in their order, with the ids of `patients`.
  public init(scores: [PatientScore], patients: [PatientRecord]) { storage = .scores(scores, patients) }

  public var startIndex: Int { 0 }

  public var endIndex: Int {
    switch storage {
    case .rows(let rows): rows.count
    case .scores(let scores, _): scores.count
    }
  }

  public subscript(position: Int) -> Row {
    switch storage {
    case .rows(let rows): return rows[position]
    case .scores(let scores, let patients):
      let score = scores[position]
      return (patients[score.patient].id, score.score, score.tier)
    }
  }
}
