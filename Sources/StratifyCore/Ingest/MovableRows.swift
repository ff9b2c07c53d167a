import Foundation

/// The rows one chunk parser keeps, in memory that the merge moves them out of: an `Array` can only hand its
/// elements over by copying them (a retain of every string and list they hold, then a release when the chunk's
/// array goes), whereas here each row is moved bit for bit and the chunk's memory is freed without touching it.
///
/// Grows with `realloc`, which moves a large block by remapping its pages instead of copying them (Swift values are
/// bitwise movable). Not thread-safe: one parser fills it, then the merging thread, which it was handed to, empties
/// it.
final class MovableRows<Element>: @unchecked Sendable {
  private var base: UnsafeMutablePointer<Element>?
  private(set) var count = 0
  private var capacity = 0

  init() {}

  deinit {
    if let base {
      base.deinitialize(count: count)
      free(base)
    }
  }

  /// Makes room for `rows` rows in all.
  func reserveCapacity(_ rows: Int) {
    guard rows > capacity else { return }
    guard let grown = realloc(base, rows * MemoryLayout<Element>.stride) else { fatalError("out of memory") }
    base = grown.bindMemory(to: Element.self, capacity: rows)
    capacity = rows
  }

  func append(_ row: consuming Element) {
    if count == capacity { reserveCapacity(max(1024, capacity * 2)) }
    (base! + count).initialize(to: row)
    count += 1
  }

  /// The row at `index` (a copy).
  subscript(index: Int) -> Element {
    precondition(index >= 0 && index < count)
    return base![index]
  }

  /// Hands the rows' memory to `body`, which must move out or deinitialize every row: they are no longer here
  /// afterwards.
  func takeAll<R>(_ body: (UnsafeMutableBufferPointer<Element>) -> R) -> R {
    let taken = UnsafeMutableBufferPointer(start: base, count: count)
    count = 0
    return body(taken)
  }
}
