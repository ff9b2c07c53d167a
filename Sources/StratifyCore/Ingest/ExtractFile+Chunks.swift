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
  /// Fields (by index, below 64) `parse` never reads: the reader need not copy their bytes.
  var skippedColumns: UInt64 { get }
  /// Parses bytes `offset..<offset + length` of `reader`'s file into this fresh parser with libcsv's fields going
  /// straight to it, as `readRange` with `ExtractFile.accept` would (the header skipped when the range starts the
  /// file); nil when the parser takes whole records only, and the caller uses `readRange`.
  mutating func stream(
    _ reader: CSVReader, kind: ExtractKind, offset: Int, length: Int, isLast: Bool, dateFormat: DateFormat,
    progress: ((Int) -> Void)?
  ) throws -> StreamedRange?
}

/// What parsing one byte range field by field (`ChunkableRowParser.stream`) produced besides the rows.
struct StreamedRange {
  var rejects: [Reject]
  var rowsRead: Int
  var summary: CSVReader.RangeSummary
}

extension ChunkableRowParser {
  var skippedColumns: UInt64 { 0 }

  mutating func stream(
    _ reader: CSVReader, kind: ExtractKind, offset: Int, length: Int, isLast: Bool, dateFormat: DateFormat,
    progress: ((Int) -> Void)?
  ) throws -> StreamedRange? { nil }

  /// The fields below 64 of a `fieldCount`-field record that are none of `read`.
  static func columns(notIn read: [BoundColumn?], fieldCount: Int) -> UInt64 {
    var mask: UInt64 = fieldCount >= 64 ? ~0 : (1 << UInt64(fieldCount)) - 1
    for case let column? in read where column.index < 64 { mask &= ~(1 << UInt64(column.index)) }
    return mask
  }
}

extension ExtractFile {
  /// The size of the byte ranges a large file is cut into: small enough that the rows of the ranges in flight
  /// stay a small part of the file's rows, large enough that each parser has plenty to do.
  static let chunkBytes = 16 << 20

  /// How many ranges a file of `total` bytes is cut into for `workers` workers: ranges of `chunkBytes`, but at
  /// least four per worker when the file is large enough for ranges of 1 MB or more, so that the workers finish
  /// together on a file of a few ranges too (a 100k-patient extract), and never fewer than the workers.
  static func rangeCount(total: Int, workers: Int) -> Int {
    max(workers, min(workers * 4, total >> 20), total / chunkBytes)
  }

  /// Where a file of `total` bytes is best cut for `workers` workers: `rangeCount` ranges of even size, except
  /// that the last `workers` of them are cut in quarters when those are still 1 MB or more. The workers take
  /// the ranges in file order, so the one that finishes first waits at the end for at most a quarter range, not
  /// a whole one (on a 100k-patient utilization.csv the read took about 30 ms less).
  static func cutTargets(total: Int, workers: Int) -> [Int] {
    let count = rangeCount(total: total, workers: workers)
    let size = total / max(count, 1)
    guard size >= 4 << 20, count > workers else { return (1..<max(count, 1)).map { total * $0 / count } }
    let even = (1...(count - workers)).map { total * $0 / count }
    let start = even.last!
    let pieces = workers * 4
    return even + (1..<pieces).map { start + (total - start) * $0 / pieces }
  }

  /// Reads `path` as `kind` like `read`, but with the data records cut into byte ranges (`chunkCount` at least,
  /// more for a file larger than `chunkCount × chunkBytes`) parsed side by side by `chunkCount` workers, each range
  /// by its own libcsv parser and row parser, and merged in file order as they complete: rows, rejects, counts
  /// and line numbers are those of the sequential read, and only the ranges in flight are held besides the merged
  /// rows.
  ///
  /// Cuts are made after a `\n` past the header record (blank lines may come before it: the first range holds it,
  /// and skips it) and kept only when the parser of the range before ends there between records (outside any
  /// quote); when one does not, or anything goes wrong (an empty file, a bad header, an open quote
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
    guard chunkCount > 1, let (header, headerEnd) = (try? reader.firstRecord()) ?? nil,
      let binding = try? HeaderBinding(header: header, kind: kind, mapping: mapping), let total = fileSize(path),
      case let cuts = ((try? reader.splitCandidates(at: cutTargets(total: total, workers: chunkCount))) ?? [])
        .filter({ $0 >= headerEnd }),
      !cuts.isEmpty, total > cuts.last!
    else { return try sequential() }

    let starts = [0] + cuts
    let ends = cuts + [total]
    let skipped = makeParser(binding).skippedColumns
    let results = ChunkResults<Parser>(count: starts.count)
    let counter = ProgressCounter()
    // The workers and the hash each on their own serial queue: those get a thread each, whereas
    // concurrentPerform would run the hash after the chunks when the pool is only as wide as the cores.
    let jobs = DispatchGroup()
    DispatchQueue(label: "stratify.ingest.fingerprint").async(group: jobs) {
      let reader = CSVReader(path: path, fileName: kind.fileName, blockSize: blockSize)
      results.setFingerprint(Result { try reader.mappedFingerprint() })
    }
    for _ in 0..<min(chunkCount, starts.count) {
      DispatchQueue(label: "stratify.ingest.chunk").async(group: jobs) {
        // Each worker has its own reader: a reader is not shared across threads.
        let reader = CSVReader(path: path, fileName: kind.fileName, blockSize: blockSize)
        let report: ((Int) -> Void)? = progress.map { report in { report(kind.fileName, counter.add($0), total) } }
        while let job = results.nextJob() {
          results.set(
            job,
            Result { () throws -> ChunkResult<Parser> in
              var parser = makeParser(binding)
              if let streamed = try parser.stream(
                reader, kind: kind, offset: starts[job], length: ends[job] - starts[job],
                isLast: job == starts.count - 1, dateFormat: mapping.dateFormat, progress: report)
              {
                return ChunkResult(
                  parser: parser, rejects: streamed.rejects, rowsRead: streamed.rowsRead, summary: streamed.summary)
              }
              var rejects: [Reject] = []
              var rowsRead = 0
              var skipHeader = job == 0
              let summary = try reader.readRange(
                offset: starts[job], length: ends[job] - starts[job], isLast: job == starts.count - 1,
                skipping: skipped, mapped: true, progress: report
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
    }

    // Merged in file order as the ranges complete; the first range's rows per byte size the merged rows.
    var parser = makeParser(binding)
    var rejects: [Reject] = []
    var rowsRead = 0
    var linesBefore = 0
    var multiLine = MultiLineRecords()
    var complete = true
    for k in starts.indices {
      guard case .success(let chunk) = results.take(k), chunk.summary.endsBetweenRecords else {
        complete = false
        break
      }
      if k == 0 {
        let perByte = Double(chunk.parser.rowCount) / Double(max(ends[0] - starts[0], 1))
        parser.reserveCapacity(Int(perByte * Double(total) * 1.02) + 16)
      }
      parser.append(chunk.parser, lineOffset: linesBefore)
      rejects += chunk.rejects.map {
        var r = $0
        r.line += linesBefore
        return r
      }
      rowsRead += chunk.rowsRead
      multiLine.append(chunk.summary.multiLine, lineOffset: linesBefore)
      linesBefore += chunk.summary.newlineCount
    }
    if !complete { results.cancel() }
    jobs.wait()
    guard complete, let fingerprint = try? results.fingerprint?.get(), fingerprint.byteCount == total else {
      return try sequential()
    }
    let outcome = ExtractFileOutcome(
      summary: InputFileSummary(
        kind: kind, file: kind.fileName, path: path, byteCount: fingerprint.byteCount, sha256: fingerprint.sha256,
        rowsRead: rowsRead, rowsAccepted: rowsRead - rejects.count, rowsRejected: rejects.count,
        unknownColumns: binding.unknownColumns, multiLineRecords: multiLine),
      rejects: rejects, chunksParsed: starts.count)
    return (parser, outcome)
  }
}

/// One chunk's rows, rejects (lines relative to the chunk's first line) and parse summary.
private struct ChunkResult<Parser> {
  var parser: Parser
  var rejects: [Reject]
  var rowsRead: Int
  var summary: CSVReader.RangeSummary
}

/// Hands out the ranges to the workers in file order and their results to the merging thread, one at a time; the
/// lock and condition make the hand-over safe under strict concurrency.
private final class ChunkResults<Parser>: @unchecked Sendable {
  private let condition = NSCondition()
  private var chunks: [Result<ChunkResult<Parser>, Error>?]
  private var nextIndex = 0
  private var cancelled = false
  private(set) var fingerprint: Result<(byteCount: Int, sha256: String), Error>?

  init(count: Int) { chunks = Array(repeating: nil, count: count) }

  /// The next range to parse; nil when all are handed out or the merge gave up.
  func nextJob() -> Int? {
    condition.lock()
    defer { condition.unlock() }
    guard !cancelled, nextIndex < chunks.count else { return nil }
    nextIndex += 1
    return nextIndex - 1
  }

  func set(_ index: Int, _ result: Result<ChunkResult<Parser>, Error>) {
    condition.lock()
    chunks[index] = result
    condition.broadcast()
    condition.unlock()
  }

  /// Waits for range `index`'s result and hands it over (it is no longer held here).
  func take(_ index: Int) -> Result<ChunkResult<Parser>, Error> {
    condition.lock()
    defer { condition.unlock() }
    while chunks[index] == nil { condition.wait() }
    defer { chunks[index] = nil }
    return chunks[index]!
  }

  /// No more ranges are handed out (the ones being parsed finish and are dropped).
  func cancel() {
    condition.lock()
    cancelled = true
    condition.unlock()
  }

  func setFingerprint(_ result: Result<(byteCount: Int, sha256: String), Error>) {
    condition.lock()
    fingerprint = result
    condition.unlock()
  }
}

/// Bytes parsed so far over all chunks, for the progress line.
private final class ProgressCounter: @unchecked Sendable {
  private let lock = NSLock()
  private var total = 0

  func add(_ bytes: Int) -> Int {
    lock.withLock {
      total += bytes
      return total
    }
  }
}
