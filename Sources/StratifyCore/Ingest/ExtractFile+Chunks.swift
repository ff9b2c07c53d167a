import Dispatch
import Foundation

/// A row parser whose work on consecutive chunks of a file can be joined into what one parser reading the whole
/// file would have produced.
protocol ChunkableRowParser: ExtractRowParser, Sendable {
  /// Rows kept so far.
  var rowCount: Int { get }
  /// Makes room for `rows` rows in all, so that appending the chunks copies each row once.
  mutating func reserveCapacity(_ rows: Int)
  /// Appends the rows `next` accepted from the chunk that follows this parser's; `lineOffset` is the number of
  /// lines before that chunk (the chunk's lines count from 1).
  mutating func append(_ next: Self, lineOffset: Int)
}

extension ExtractFile {
  /// Reads `path` as `kind` like `read`, but with the data records cut into `chunkCount` byte ranges parsed
  /// side by side, each by its own libcsv parser and row parser, and merged in file order: rows, rejects,
  /// counts and line numbers are those of the sequential read.
  ///
  /// Cuts are made after a `\n` and kept only when the parser of the range before ends there between records
  /// (outside any quote); when one does not, or anything goes wrong (an empty file, a bad header, an open quote
  /// at the end, an I/O error), the file is read again by `read`, which gives the sequential result or error.
  static func readChunked<Parser: ChunkableRowParser>(
    _ kind: ExtractKind, path: String, mapping: ExtractMapping, blockSize: Int, chunkCount: Int,
    progress: (@Sendable (String, Int, Int) -> Void)? = nil,
    makeParser: @escaping @Sendable (HeaderBinding) -> Parser
  ) throws -> (Parser, ExtractFileOutcome) {
    let sequential = {
      try read(kind, path: path, mapping: mapping, blockSize: blockSize, progress: progress, makeParser: makeParser)
    }
    let reader = CSVReader(path: path, fileName: kind.fileName, blockSize: blockSize)
    guard chunkCount > 1, let binding = try? header(reader, kind: kind, mapping: mapping),
      let cuts = try? reader.splitCandidates(count: chunkCount), !cuts.isEmpty,
      let total = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil,
      total > cuts.last!
    else { return try sequential() }

    let starts = [0] + cuts
    let ends = cuts + [total]
    let results = ChunkResults<Parser>(count: starts.count + 1)
    let counter = ProgressCounter()
    // Each job on its own serial queue: those get a thread each, whereas concurrentPerform would run the hash
    // after the chunks when the pool is only as wide as the cores.
    let jobs = DispatchGroup()
    for job in 0...starts.count {
      DispatchQueue(label: "stratify.ingest.chunk").async(group: jobs) {
        // Each worker has its own reader: a reader is not shared across threads.
        let reader = CSVReader(path: path, fileName: kind.fileName, blockSize: blockSize)
        if job == starts.count {
          results.setFingerprint(Result { try reader.fingerprint() })
          return
        }
        let report: ((Int) -> Void)? = progress.map { report in { report(kind.fileName, counter.add($0), total) } }
        results.set(job, Result { () throws -> ChunkResult<Parser> in
          var parser = makeParser(binding)
          var rejects: [Reject] = []
          var rowsRead = 0
          var skipHeader = job == 0
          let summary = try reader.readRange(
            offset: starts[job], length: ends[job] - starts[job], isLast: job == starts.count - 1, progress: report
          ) { record in
            if skipHeader {
              skipHeader = false
              return
            }
            rowsRead += 1
            if let reject = try accept(record, into: &parser, kind: kind, binding: binding, mapping: mapping) {
              rejects.append(reject)
            }
          }
          return ChunkResult(parser: parser, rejects: rejects, rowsRead: rowsRead, summary: summary)
        })
      }
    }
    jobs.wait()
    guard var chunks = results.takeAll(), chunks.allSatisfy(\.summary.endsBetweenRecords),
      let fingerprint = try? results.fingerprint?.get(), fingerprint.byteCount == total
    else { return try sequential() }

    // Into one parser sized for all rows, each chunk dropped once copied: the peak is the whole plus the chunks
    // not merged yet, not the whole twice.
    var parser = makeParser(binding)
    parser.reserveCapacity(chunks.reduce(0) { $0 + $1.parser.rowCount })
    var rejects: [Reject] = []
    var rowsRead = 0
    var linesBefore = 0
    for k in chunks.indices {
      parser.append(chunks[k].parser, lineOffset: linesBefore)
      chunks[k].parser = makeParser(binding)
      rejects += chunks[k].rejects.map { var r = $0; r.line += linesBefore; return r }
      rowsRead += chunks[k].rowsRead
      linesBefore += chunks[k].summary.newlineCount
    }
    let outcome = ExtractFileOutcome(
      summary: InputFileSummary(
        kind: kind, file: kind.fileName, path: path, byteCount: fingerprint.byteCount, sha256: fingerprint.sha256,
        rowsRead: rowsRead, rowsAccepted: rowsRead - rejects.count, rowsRejected: rejects.count,
        unknownColumns: binding.unknownColumns),
      rejects: rejects, chunksParsed: chunks.count)
    return (parser, outcome)
  }

  /// The header binding from the file's first record; nil when there is none (the sequential read says why).
  private static func header(_ reader: CSVReader, kind: ExtractKind, mapping: ExtractMapping) throws -> HeaderBinding? {
    var first: [String]?
    do {
      try reader.read { record in
        first = record.strings
        throw HeaderRead()
      }
    } catch is HeaderRead {}
    guard let first else { return nil }
    return try HeaderBinding(header: first, kind: kind, mapping: mapping)
  }

  /// Stops the header read after the first record.
  private struct HeaderRead: Error {}
}

/// One chunk's rows, rejects (lines relative to the chunk's first line) and parse summary.
private struct ChunkResult<Parser> {
  var parser: Parser
  var rejects: [Reject]
  var rowsRead: Int
  var summary: CSVReader.RangeSummary
}

/// Collects the chunk workers' results; the lock makes the hand-over safe under strict concurrency.
private final class ChunkResults<Parser>: @unchecked Sendable {
  private let lock = NSLock()
  private var chunks: [Result<ChunkResult<Parser>, Error>?]
  private(set) var fingerprint: Result<(byteCount: Int, sha256: String), Error>?

  init(count: Int) { chunks = Array(repeating: nil, count: count - 1) }

  func set(_ index: Int, _ result: Result<ChunkResult<Parser>, Error>) {
    lock.withLock { chunks[index] = result }
  }

  func setFingerprint(_ result: Result<(byteCount: Int, sha256: String), Error>) {
    lock.withLock { fingerprint = result }
  }

  /// Every chunk's result in file order, or nil when any failed; the results are no longer held here.
  func takeAll() -> [ChunkResult<Parser>]? {
    lock.withLock {
      defer { chunks = [] }
      var out: [ChunkResult<Parser>] = []
      for case .success(let chunk)? in chunks { out.append(chunk) }
      return out.count == chunks.count ? out : nil
    }
  }
}

/// Bytes parsed so far over all chunks, for the progress line.
private final class ProgressCounter: @unchecked Sendable {
  private let lock = NSLock()
  private var total = 0

  func add(_ bytes: Int) -> Int { lock.withLock { total += bytes; return total } }
}
