import Foundation
import Logging

/// What a run was asked to do, resolved from the configuration and flags.
public struct RunSettings: Sendable {
  public var inputs: InputPaths
  public var rulesPath: String
  public var output: String
  public var asOf: Day
  public var ingest: IngestOptions
  public var calendar: BusinessCalendar
  public var capacity: CaseloadCapacity
  /// Keep only the newest N runs after a successful publish (nil keeps all).
  public var keepRuns: Int?
  /// A folder of restyled templates (nil: the package's own).
  public var templates: String?
  /// The stable Prometheus textfile node_exporter reads (default `<output>/metrics.prom`).
  public var metricsPath: String
  /// How report.html treats practices.
  public var reports: ReportSettings
  /// The clock for the manifest's start and end times (never for the as-of date).
  public var now: @Sendable () -> Date = { Date() }
  /// Test hook: stop and wait at this checkpoint (so an end-to-end test can kill -9 the run there).
  public var pauseAt: String?

  /// Resolves defaults: rules `Rules/default.yaml` and output `out` (relative to `cwd`), as-of `today`.
  public init(configuration: Configuration, today: Day, cwd: String) throws {
    inputs = try configuration.inputPaths()
    rulesPath = configuration.rules ?? (cwd + "/Rules/default.yaml")
    output = ((configuration.output ?? (cwd + "/out")) as NSString).standardizingPath
    asOf = configuration.asOf ?? today
    ingest = configuration.ingestOptions()
    calendar = configuration.businessCalendar
    capacity = configuration.capacity ?? CaseloadCapacity()
    keepRuns = configuration.keepRuns
    templates = configuration.templates
    metricsPath = configuration.metricsPath ?? (output + "/metrics.prom")
    reports = configuration.reports ?? ReportSettings()
  }
}

/// What a finished run reports to its caller.
public struct RunSummary: Sendable {
  public var asOf: Day
  public var runPath: String
  public var patients: Int
  public var tiers: [(tier: String, count: Int)]
  public var worklistItems: Int
  public var overdueItems: Int
}

/// The nightly job: compile rules (fail before reading data) → lock → ingest → score → worklists → write into a
/// staging folder → record the run as pending in the history → publish the folder atomically → mark the run
/// published. Each stage logs one line of counts and timings, never patient data.
public enum NightlyRun {
  public static func execute(_ settings: RunSettings, logger: Logger) throws -> RunSummary {
    let startedAt = settings.now()
    var clock = StageClock()
    let ruleSet = try RuleSetLoader.load(path: settings.rulesPath)
    logger.info(
      "rules compiled",
      metadata: [
        "rule_set": "\(ruleSet.name) \(ruleSet.version)", "features": "\(ruleSet.features.count)",
        "rules": "\(ruleSet.rules.count)", "seconds": "\(clock.lap())",
      ])

    let folder = OutputFolder(root: settings.output)
    try folder.prepare()
    let lock = try RunLock(path: folder.lockPath)
    defer { withExtendedLifetime(lock) {} }
    folder.removeLeftovers()
    // The history is opened (migrated, and a pending run left by a crash recovered) on another thread while the
    // extracts are read: its transactions wait on the disk, not on the cores.
    let opened = BackgroundResult<HistoryStore>()
    let opening = DispatchGroup()
    DispatchQueue(label: "stratify.history.open").async(group: opening) {
      opened.result = Result {
        let history = try HistoryStore(path: folder.historyPath)
        try history.recover { asOf in Manifest.runUID(atPath: folder.runPath(asOf) + "/manifest.json") }
        return history
      }
    }

    var options = settings.ingest
    options.storedColumns = ruleSet.storedColumns
    // Only the utilization rows the rules or the report can match are stored; the report's 12-month counts are
    // made while reading.
    let reach = ruleSet.utilizationReach.retention(asOf: settings.asOf)
    options.eventRetention = reach.union(TransitionsOfCare.eventRetention(asOf: settings.asOf))
    options.dischargeFollowUp = DischargeFollowUp(
      everyone: reach, discharged: TransitionsOfCare.dischargeWindow(asOf: settings.asOf))
    options.tallyWindow = TierUtilization.window(asOf: settings.asOf)
    // What the night reads of earlier runs (every night but the first: the previous run's tiers, a million rows,
    // its open actions and the recent runs' figures) is read on another thread as soon as patients.csv is read,
    // beside the reads of the other two files, rather than on this thread later while the other cores wait.
    let rank = Dictionary(ruleSet.tiers.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { a, _ in a })
    let earlierRead = BackgroundResult<EarlierRuns>()
    let reading = DispatchGroup()
    // A history that cannot be opened is the error reported, as when it was opened before the extracts were read.
    // (The extracts are not held in a `Result` meanwhile: a second reference would keep the patient directory and
    // the rows alive after `releaseDirectory()` and `releaseRows()`, 54 MB at 1M patients.)
    var ingest: IngestResult
    do {
      ingest = try ExtractLoader.load(settings.inputs, options: options, logger: logger) { lookup in
        DispatchQueue(label: "stratify.history.earlier").async(group: reading) {
          opening.wait()
          // A history that cannot be opened is reported below.
          guard case .success(let history) = opened.result else { return }
          var clock = StageClock()
          earlierRead.result = Result {
            try EarlierRuns(read: history, asOf: settings.asOf, rank: rank, patients: lookup)
          }
          if case .success(let earlier) = earlierRead.result {
            logger.info(
              "earlier runs read",
              metadata: [
                "previous_run": "\(earlier.worklist.asOf?.description ?? "none")",
                "previous_patients": "\(earlier.previousTiers.total)",
                "previous_open_items": "\(earlier.worklist.open.count)",
                "runs_in_trends": "\(earlier.recentRuns.count + 1)", "seconds": "\(clock.lap())",
              ])
          }
        }
      }
    } catch {
      reading.wait()
      opening.wait()
      _ = try opened.result!.get()
      throw error
    }
    reading.wait()
    opening.wait()
    let history = try opened.result!.get()
    // The history opened, so the job read it: `load` hands out the patients before it returns.
    guard let earlierResult = earlierRead.result else {
      preconditionFailure("ExtractLoader.load returned without handing out the patients")
    }
    let earlier = try earlierResult.get()
    let (previousTiers, previous, recentRuns) = (earlier.previousTiers, earlier.worklist, earlier.recentRuns)
    // The rows found their patients: no one is looked up by id after this.
    ingest.releaseDirectory()
    var data = PatientData(patients: ingest.patients, utilization: ingest.utilization, discharges: ingest.discharges)
    let patients = data.patients
    checkpoint("ingested", settings)
    clock.restart()

    let engine = ScoringEngine(ruleSet: ruleSet, asOf: settings.asOf, calendar: settings.calendar)
    let scores = engine.score(data)
    let tiers = tierCounts(scores, ruleSet: ruleSet)
    logger.info(
      "scored",
      metadata: [
        "patients": "\(scores.count)",
        "tiers": "\(tiers.map { "\($0.tier)=\($0.count)" }.joined(separator: " "))", "seconds": "\(clock.lap())",
      ])

    // Everything read from the history was read during the ingest: from here on its connection is busy recording
    // the run.
    let uid = UUID().uuidString.lowercased()
    let staging = try folder.makeStaging(settings.asOf)
    // What needs the scores alone starts now, beside the worklists and figures: the run is recorded as pending in
    // the history (the patients' rows first; the rest of the record is handed over when it exists) and scores.csv is
    // written. A pending entry is harmless until the folder is published (every reader of the history reads
    // published runs only, and the next run's recovery discards a pending entry whose run the published folder does
    // not hold).
    let details = PendingDetails()
    let recorded = BackgroundResult<Void>()
    let scoresWritten = BackgroundResult<Void>()
    let background = DispatchGroup()
    DispatchQueue(label: "stratify.history.pending").async(group: background) {
      recorded.result = Result {
        try history.recordPending(
          uid: uid, asOf: settings.asOf, patients: PatientScoreRows(scores: scores, patients: patients)
        ) { try details.take() }
      }
    }
    DispatchQueue(label: "stratify.scores").async(group: background) {
      scoresWritten.result = Result {
        try ScoresWriter.write(scores, patients: patients, ruleSet: ruleSet, to: staging + "/scores.csv")
      }
    }
    var outputs: [String] = []
    let items: [WorklistItem]
    let metrics: RunMetrics
    do {
      items = WorklistBuilder(ruleSet: ruleSet, asOf: settings.asOf, capacity: settings.capacity)
        .build(scores: scores, patients: data.patients, previous: previous)
      let closed = closedActions(scores, data.patients, previous, asOf: settings.asOf)
      let overCapacity = items.filter(\.overCapacity)
      logger.info(
        "worklists built",
        metadata: [
          "items": "\(items.count)", "overdue": "\(items.filter(\.isOverdue).count)",
          "lists": "\(Set(items.map(\.list)).count)", "closed_since_last_run": "\(closed.sinceLastRun)",
          "previous_run": "\(previous.asOf?.description ?? "none")", "seconds": "\(clock.lap())",
        ])
      if !overCapacity.isEmpty {
        for (list, count) in Dictionary(grouping: overCapacity, by: \.list).mapValues(\.count).sorted(by: {
          $0.key < $1.key
        }) {
          logger.warning("over capacity", metadata: ["list": "\(list)", "items": "\(count)"])
        }
      }

      metrics = reportFigures(
        settings, ruleSet: ruleSet, ingest: ingest, data: data, scores: scores, items: items,
        closedSinceLastRun: closed.sinceLastRun, recentRuns: recentRuns, previousRun: previous.asOf,
        previousTiers: previousTiers, logger: logger)
      // Only the figures read the utilization rows, stays and counts: they are freed before the files are written.
      data.utilization = .empty(patientCount: 0)
      data.discharges = .empty(patientCount: 0)
      ingest.releaseRows()

      // Encoded once: the history keeps it and metrics.json is it.
      let metricsJSON = metrics.json
      details.provide(
        .success(
          RunRecord.New(
            uid: uid, asOf: settings.asOf, startedAt: Manifest.timestamp(startedAt),
            finishedAt: Manifest.timestamp(settings.now()), ruleSetName: ruleSet.name,
            ruleSetVersion: ruleSet.version, ruleSetSHA256: ruleSet.sha256, inputsJSON: inputsJSON(ingest),
            patients: PatientScoreRows(scores: scores, patients: data.patients),
            actions: items.map { ($0.patientID, $0.action, $0.list, $0.tier, $0.openedOn, $0.due, false) }
              + closed.rows,
            worklistItems: items.count, overdueItems: items.filter(\.isOverdue).count,
            closedActions: closed.sinceLastRun, metricsJSON: metricsJSON)))
      let written = Result {
        try writeStaging(
          staging, settings: settings, ruleSet: ruleSet, ingest: ingest, items: items, metrics: metrics,
          metricsJSON: metricsJSON, recentRuns: recentRuns)
      }
      background.wait()
      // The first error in the order scores.csv, the other files, the history.
      try scoresWritten.result?.get()
      try written.get()
      try recorded.result?.get()
      checkpoint("staging-written", settings)
      outputs = try FileManager.default.subpathsOfDirectory(atPath: staging).sorted() + ["manifest.json"]
      let manifest = makeManifest(
        uid: uid, settings: settings, startedAt: startedAt, ingest: ingest, ruleSet: ruleSet, tiers: tiers,
        items: items, closed: closed.sinceLastRun, outputs: outputs)
      try OutputFile.write(manifest.json, to: staging + "/manifest.json")
    } catch let error as StratifyError {
      details.provide(.failure(error))
      background.wait()
      try? FileManager.default.removeItem(atPath: staging)
      throw error
    } catch {
      details.provide(.failure(error))
      background.wait()
      try? FileManager.default.removeItem(atPath: staging)
      throw RunError.cannotWrite(path: staging, reason: "\(error)")
    }
    logger.info("outputs written", metadata: ["files": "\(outputs.count)", "seconds": "\(clock.lap())"])
    let summary = RunSummary(
      asOf: settings.asOf, runPath: folder.runPath(settings.asOf), patients: scores.count, tiers: tiers,
      worklistItems: items.count, overdueItems: items.filter(\.isOverdue).count)
    // The night's data is no longer needed: millions of allocations (records, scores, their arrays) that took a
    // quarter of a second to free on this thread, before and after publishing. They are freed on another one while
    // this one waits for the disk (an exiting process skips what is left). They are moved into the box, and
    // `data.patients` (the same records as `patients`) is dropped: a reference left here would free them on this
    // thread when it returns.
    let leftovers = Leftovers((consume ingest, consume patients, consume scores, consume items))
    data.patients = []
    DispatchQueue.global(qos: .utility).async { leftovers.free() }

    checkpoint("history-pending", settings)
    try folder.publish(staging: staging, asOf: settings.asOf)
    checkpoint("published", settings)
    let replaced = try history.publish(uid: uid)
    logger.info(
      "published",
      metadata: [
        "run": "runs/\(settings.asOf)", "replaced_runs": "\(replaced)", "seconds": "\(clock.lap())",
      ])
    if let keep = settings.keepRuns {
      folder.prune(keep: keep, current: settings.asOf)
      pruneHistory(history, keep: keep, current: settings.asOf, logger: logger)
    }
    publishMetricsTextfile(metrics, settings: settings, startedAt: startedAt, logger: logger)
    return summary
  }

  /// `keep_runs` in the history: the runs whose folders `OutputFolder.prune` removes lose their per-patient rows too
  /// (see `HistoryStore.prune`). The run is published by now, so a failure here is a warning, not the run's failure:
  /// the next run prunes what this one left.
  static func pruneHistory(_ history: HistoryStore, keep: Int, current: Day, logger: Logger) {
    var clock = StageClock()
    do {
      let runs = try history.prune(keepingNewest: keep, current: current)
      if runs > 0 {
        logger.info(
          "history pruned", metadata: ["runs": "\(runs)", "keep_runs": "\(keep)", "seconds": "\(clock.lap())"])
      }
    } catch {
      logger.warning("history not pruned", metadata: ["keep_runs": "\(keep)", "error": "\(error)"])
    }
  }

  /// Actions whose closing condition holds tonight, as history rows; `sinceLastRun` counts those that were open
  /// on the previous run's lists (closed since then).
  static func closedActions(
    _ scores: [PatientScore], _ patients: [PatientRecord], _ previous: PreviousWorklist, asOf: Day
  ) -> (rows: [(String, String, String, String, Day, Day, Bool)], sinceLastRun: Int) {
    var rows: [(String, String, String, String, Day, Day, Bool)] = []
    var since = 0
    // Most patients have no closed action: they are skipped before their score or record is copied.
    for k in scores.indices where scores[k].actions.contains(where: \.closed) {
      let s = scores[k]
      let p = patients[s.patient]
      for action in s.actions where action.closed {
        let before = previous.open[PreviousWorklist.key(patient: p.id, action: action.actionID)]
        if before != nil { since += 1 }
        let list =
          (p.caseManagerID ?? "").isEmpty ? WorklistBuilder.unassignedList(practice: p.practiceID) : p.caseManagerID!
        rows.append((p.id, action.actionID, list, s.tier, before?.openedOn ?? asOf, action.due, true))
      }
    }
    return (rows, since)
  }

  static func makeManifest(
    uid: String, settings: RunSettings, startedAt: Date, ingest: IngestResult, ruleSet: RuleSet,
    tiers: [(tier: String, count: Int)], items: [WorklistItem], closed: Int, outputs: [String]
  ) -> Manifest {
    Manifest(
      stratifyVersion: StratifyVersion.current, runUID: uid, asOf: settings.asOf.description,
      startedAt: Manifest.timestamp(startedAt), finishedAt: Manifest.timestamp(settings.now()), exitStatus: 0,
      inputs: ingest.inputs.map {
        Manifest.Input(
          file: $0.file, path: $0.path, bytes: $0.byteCount, sha256: $0.sha256, rowsRead: $0.rowsRead,
          rowsAccepted: $0.rowsAccepted, rowsRejected: $0.rowsRejected, unknownColumns: $0.unknownColumns)
      },
      ruleSet: Manifest.RuleSetInfo(
        name: ruleSet.name, version: ruleSet.version, sha256: ruleSet.sha256, file: ruleSet.file),
      patientsPerTier: Dictionary(uniqueKeysWithValues: tiers.map { ($0.tier, $0.count) }),
      worklist: Manifest.WorklistInfo(
        items: items.count, overdue: items.filter(\.isOverdue).count, patients: Set(items.map(\.patientID)).count,
        lists: Set(items.map(\.list)).count, overCapacity: items.filter(\.overCapacity).count, closedActions: closed),
      outputs: outputs)
  }

  static func inputsJSON(_ ingest: IngestResult) -> String {
    let entries = ingest.inputs.map {
      "{\"file\":\"\($0.file)\",\"sha256\":\"\($0.sha256)\",\"bytes\":\($0.byteCount),\"rows_read\":\($0.rowsRead),"
        + "\"rows_accepted\":\($0.rowsAccepted),\"rows_rejected\":\($0.rowsRejected)}"
    }
    return "[" + entries.joined(separator: ",") + "]"
  }

  /// Patients per tier in the rule set's tier order (the eligibility's `otherwise` tier last).
  static func tierCounts(_ scores: [PatientScore], ruleSet: RuleSet) -> [(tier: String, count: Int)] {
    // A handful of tier names: found by comparison, not hashed per patient.
    var seen: [String] = []
    var counts: [Int] = []
    for s in scores {
      if let i = seen.firstIndex(of: s.tier) {
        counts[i] += 1
      } else {
        seen.append(s.tier)
        counts.append(1)
      }
    }
    var names = ruleSet.tiers.map(\.name)
    if let other = ruleSet.eligibility?.otherwiseTier, !names.contains(other) { names.append(other) }
    return names.map { name in (name, seen.firstIndex(of: name).map { counts[$0] } ?? 0) }
  }

  /// The test hook behind `RunSettings.pauseAt`: announce the checkpoint with a marker file, then wait to be killed.
  static func checkpoint(_ name: String, _ settings: RunSettings) {
    guard settings.pauseAt == name else { return }
    _ = FileManager.default.createFile(atPath: settings.output + "/.paused-\(name)", contents: Data())
    while true { sleep(60) }
  }
}

/// Seconds since the previous lap, rounded to milliseconds, for the stage log lines.
struct StageClock {
  private var last = DispatchTime.now().uptimeNanoseconds

  mutating func restart() { last = DispatchTime.now().uptimeNanoseconds }

  mutating func lap() -> Double {
    let now = DispatchTime.now().uptimeNanoseconds
    defer { last = now }
    return (Double(now - last) / 1e6).rounded() / 1000
  }
}

/// Values handed to another thread to be freed there: `free` drops them on the thread that calls it, whichever
/// thread releases the box last (it holds the last references to them).
private final class Leftovers<Values>: @unchecked Sendable {
  private var values: Values?
  init(_ values: Values) { self.values = values }
  func free() { values = nil }
}

/// What a night reads of the runs before it.
private struct EarlierRuns {
  /// The previous run's tiers by this run's patient positions.
  var previousTiers: PreviousTiers
  /// The previous run's open actions.
  var worklist: PreviousWorklist
  /// The latest runs' summaries, oldest first, for the trends.
  var recentRuns: [RunRecord]

  /// Reads the runs before `asOf`: the previous run's tiers by the position `patients` gives each id (tried first
  /// after the previous answer: the history gives the ids in patient_id order), its open actions (`rank` ranks
  /// tiers) and the recent runs' summaries.
  init(read history: HistoryStore, asOf: Day, rank: [String: Int], patients: PatientLookup) throws {
    var last = -1
    previousTiers = try history.previousTiers(before: asOf, patientCount: patients.patientCount) { id in
      let position = patients.position(ofBytes: id, after: last)
      if let position { last = position }
      return position
    }
    worklist = try history.previousWorklist(before: asOf) { rank[$0] }
    recentRuns = try history.recentRuns(before: asOf, limit: TrendPoint.runCount - 1)
  }
}

/// The outcome of a job run on another thread; `DispatchGroup.wait()` orders the write before the read.
private final class BackgroundResult<Value>: @unchecked Sendable {
  var result: Result<Value, Error>?
}

/// The rest of the pending run's record, handed from the thread that computes it to the thread recording it: the
/// first `provide` wins, `take` (called once) waits for it and moves it out, so that the record (which refers to the
/// night's scores and records) is not kept alive here.
private final class PendingDetails: @unchecked Sendable {
  private enum State {
    case waiting
    case provided(Result<RunRecord.New, Error>)
    case taken
  }

  private let ready = DispatchSemaphore(value: 0)
  private let lock = NSLock()
  private var state = State.waiting

  func provide(_ details: Result<RunRecord.New, Error>) {
    lock.lock()
    defer { lock.unlock() }
    guard case .waiting = state else { return }
    state = .provided(details)
    ready.signal()
  }

  func take() throws -> RunRecord.New {
    ready.wait()
    lock.lock()
    defer { lock.unlock() }
    guard case .provided(let details) = state else { preconditionFailure("the pending details are taken once") }
    state = .taken
    return try details.get()
  }
}
