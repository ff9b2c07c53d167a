/// Writes `scores.csv`: one row per accepted patient, sorted by patient_id:
/// `patient_id,score,tier,contributions,rule_set,rule_set_version,rule_set_sha256`. A patient the rule set does not
/// score has an empty score. `contributions` lists `rule_id:points` separated by `;`, in rule order.
///
/// A nightly run writes a million rows: each field goes to the writer as UTF-8 bytes (no `String` per field, the
/// contributions assembled in a reused byte buffer, the tier and the rule-set columns encoded once), and the sort by
/// patient_id is skipped when the patients are already in that order (extracts usually are).
public enum ScoresWriter {
  public static let header = [
    "patient_id", "score", "tier", "contributions", "rule_set", "rule_set_version", "rule_set_sha256",
  ]

  public static func write(
    _ scores: [PatientScore], patients: [PatientRecord], ruleSet: RuleSet, to path: String
  ) throws {
    let file = try OutputFile.CSV(path: path)
    try file.writeRow(header)
    let order = idOrder(scores, patients: patients)
    let ruleSetColumns = [ruleSet.name, ruleSet.version, ruleSet.sha256].map { Array($0.utf8) }
    var tierBytes: [String: [UInt8]] = [:]
    var lastTier: String?
    var lastTierBytes: [UInt8] = []
    var scratch: [UInt8] = []
    scratch.reserveCapacity(256)
    for k in 0..<scores.count {
      let s = scores[order.map { $0[k] } ?? k]
      let writer = file.encoder
      var id = patients[s.patient].id
      id.withUTF8 { writer.writeField(utf8: $0) }
      scratch.removeAll(keepingCapacity: true)
      if let score = s.score { appendDecimal(score, to: &scratch) }
      scratch.withUnsafeBufferPointer { writer.writeField(utf8: $0) }
      if s.tier != lastTier {
        lastTierBytes = tierBytes[s.tier] ?? Array(s.tier.utf8)
        tierBytes[s.tier] = lastTierBytes
        lastTier = s.tier
      }
      lastTierBytes.withUnsafeBufferPointer { writer.writeField(utf8: $0) }
      scratch.removeAll(keepingCapacity: true)
      for (n, c) in s.contributions.enumerated() {
        if n > 0 { scratch.append(UInt8(ascii: ";")) }
        scratch.append(contentsOf: c.ruleID.utf8)
        scratch.append(UInt8(ascii: ":"))
        appendDecimal(c.points, to: &scratch)
      }
      scratch.withUnsafeBufferPointer { writer.writeField(utf8: $0) }
      for column in ruleSetColumns { column.withUnsafeBufferPointer { writer.writeField(utf8: $0) } }
      try file.endRow()
    }
    try file.close()
  }

  /// The positions of `scores` in patient_id order (byte order of the UTF-8 ids, as `String`'s `<` would not be);
  /// nil when they are in that order already.
  static func idOrder(_ scores: [PatientScore], patients: [PatientRecord]) -> [Int]? {
    var sorted = true
    for k in scores.indices.dropFirst()
    where patients[scores[k].patient].id.utf8.lexicographicallyPrecedes(patients[scores[k - 1].patient].id.utf8) {
      sorted = false
      break
    }
    if sorted { return nil }
    // Equal ids (not expected: ingest rejects duplicates) keep their order, as the stable sort did before.
    return scores.indices.sorted { a, b in
      let x = patients[scores[a].patient].id.utf8
      let y = patients[scores[b].patient].id.utf8
      if x.elementsEqual(y) { return a < b }
      return x.lexicographicallyPrecedes(y)
    }
  }

  /// Appends the decimal digits of `value` (with a leading `-` when negative), as `String(value)` writes them.
  static func appendDecimal(_ value: Int, to out: inout [UInt8]) {
    if value < 0 { out.append(UInt8(ascii: "-")) }
    var magnitude = value.magnitude
    var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
      UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    var count = 0
    withUnsafeMutableBytes(of: &digits) { d in
      repeat {
        d[count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
        magnitude /= 10
        count += 1
      } while magnitude > 0
      for i in stride(from: count - 1, through: 0, by: -1) { out.append(d[i]) }
    }
  }
}
