/// Did-you-mean suggestions for names a person typed (config keys, column headers).
public enum Spelling {
  /// The candidate closest to `name` (case-insensitive), when it is close enough to be a plausible typo: an edit
  /// distance (transpositions count once) of at most a third of the name's length, and at least 1. With
  /// `orContaining`, a candidate that contains the name or is contained in it (ignoring `_`, `-` and spaces, at
  /// least 4 letters) is the fallback: `discharge` for `discharge_date`.
  public static func closest(
    to name: String, among candidates: some Sequence<String>, orContaining: Bool = false
  ) -> String? {
    let target = Array(name.lowercased().utf8)
    var best: (String, Int)?
    var containing: String?
    let squeezedTarget = squeeze(name)
    for candidate in candidates {
      let distance = editDistance(target, Array(candidate.lowercased().utf8))
      if distance < (best?.1 ?? Int.max) { best = (candidate, distance) }
      let squeezed = squeeze(candidate)
      if containing == nil, min(squeezed.count, squeezedTarget.count) >= 4,
        squeezed.contains(squeezedTarget) || squeezedTarget.contains(squeezed)
      {
        containing = candidate
      }
    }
    if let best, best.1 <= max(1, target.count / 3), best.1 < target.count { return best.0 }
    return orContaining ? containing : nil
  }

  private static func squeeze(_ s: String) -> String {
    String(s.lowercased().filter { $0 != "_" && $0 != "-" && $0 != " " })
  }

  /// Optimal string alignment distance (insert, delete, substitute, swap two neighbours) between byte strings.
  static func editDistance(_ a: [UInt8], _ b: [UInt8]) -> Int {
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
    for i in 0...a.count { d[i][0] = i }
    for j in 0...b.count { d[0][j] = j }
    for i in 1...a.count {
      for j in 1...b.count {
        let cost = a[i - 1] == b[j - 1] ? 0 : 1
        d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
        if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1) }
      }
    }
    return d[a.count][b.count]
  }
}
