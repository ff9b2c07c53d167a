/// Writes `scores.csv`: one row per accepted patient, sorted by patient_id:
/// `patient_id,score,tier,contributions,rule_set,rule_set_version,rule_set_sha256`. A patient the rule set does not
/// score has an empty score. `contributions` lists `rule_id:points` separated by `;`, in rule order.
///
/// A nightly run writes a million rows: rows are assembled as bytes (no `String` per field, the contributions in a
/// reused buffer, the tier and the rule-set columns encoded once); a field that needs quoting or formula protection
/// is encoded by `CSVWriter`, every other is its bytes, as `CSVWriter` would write it. The sort by patient_id is
/// skipped when the patients are already in that order (extracts usually are).
public enum ScoresWriter {
  public static let header = [
    "patient_id", "score", "tier", "contributions", "rule_set", "rule_set_version", "rule_set_sha256",
  ]

  public static func write(
    _ scores: [PatientScore], patients: [PatientRecord], ruleSet: RuleSet, to path: String
  ) throws {
    let file = try OutputFile.Stream(path: path)
    var out: [UInt8] = []
    out.reserveCapacity(flushThreshold + 4096)
    appendRow(header, to: &out)
    let order = idOrder(scores, patients: patients)
    // The rule-set columns are the same on every row: encoded once, with their leading commas.
    var suffix: [UInt8] = []
    for column in [ruleSet.name, ruleSet.version, ruleSet.sha256] {
      suffix.append(UInt8(ascii: ","))
      appendField(Array(column.utf8), to: &suffix)
    }
    suffix.append(UInt8(ascii: "\n"))
    // When every rule id is a plain field (no comma, quote or line break, no leading formula character), so is every
    // contributions field (`id:points;id:points`, the points plain numbers): its bytes go straight into the row.
    let plainRuleIDs = ruleSet.rules.allSatisfy { rule in
      var field: [UInt8] = []
      appendField(Array(rule.id.utf8), to: &field)
      return field.elementsEqual(rule.id.utf8) && !rule.id.utf8.contains(UInt8(ascii: ";"))
    }
    // What many rows repeat, encoded once into one buffer read in place (appending a `[UInt8]` per row would retain
    // and release it): the rule ids (contributions name the rule set's rules, in rule order), the tiers' fields, the
    // suffix. A tier the rule set does not name (none in practice) is encoded when first seen.
    var repeated: [UInt8] = []
    func add(_ bytes: some Sequence<UInt8>) -> Range<Int> {
      let start = repeated.count
      repeated.append(contentsOf: bytes)
      return start..<repeated.count
    }
    let ruleIDs = ruleSet.rules.map(\.id)
    let ruleIDRanges = ruleIDs.map { add($0.utf8) }
    let tierNames = RunMetrics.tierOrder(ruleSet)
    let tierRanges = tierNames.map { name -> Range<Int> in
      var field: [UInt8] = []
      appendField(Array(name.utf8), to: &field)
      return add(field)
    }
    let suffixRange = add(suffix)
    var otherTiers: [(tier: String, field: [UInt8])] = []
    var scratch: [UInt8] = []
    scratch.reserveCapacity(256)
    // Scores and records read in place: a copy of each would retain and release its strings and arrays.
    try scores.withUnsafeBufferPointer { scores in
      try patients.withUnsafeBufferPointer { patients in
        try repeated.withUnsafeBufferPointer { repeated in
          for k in 0..<scores.count {
            let i = order?[k] ?? k
            var id = patients[scores[i].patient].id
            id.withUTF8 { appendField($0, to: &out) }
            out.append(UInt8(ascii: ","))
            // A number is written as it is (`CSVWriter` leaves a plain number such as `-3` unprotected).
            if let score = scores[i].score { appendDecimal(score, to: &out) }
            out.append(UInt8(ascii: ","))
            if let t = tierNames.firstIndex(of: scores[i].tier) {
              out.append(contentsOf: UnsafeBufferPointer(rebasing: repeated[tierRanges[t]]))
            } else if let known = otherTiers.first(where: { $0.tier == scores[i].tier }) {
              out.append(contentsOf: known.field)
            } else {
              var field: [UInt8] = []
              appendField(Array(scores[i].tier.utf8), to: &field)
              otherTiers.append((scores[i].tier, field))
              out.append(contentsOf: field)
            }
            out.append(UInt8(ascii: ","))
            if plainRuleIDs {
              // Contributions read in place (a copy of each would retain and release its two strings). Their rule ids
              // are the rule set's (in rule order): each is appended from its bytes taken once.
              scores[i].contributions.withUnsafeBufferPointer { contributions in
                var next = 0
                for n in contributions.indices {
                  if n > 0 { out.append(UInt8(ascii: ";")) }
                  var r = next
                  while r < ruleIDs.count, ruleIDs[r] != contributions[n].ruleID { r += 1 }
                  if r < ruleIDs.count {
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: repeated[ruleIDRanges[r]]))
                    next = r + 1
                  } else {
                    var ruleID = contributions[n].ruleID
                    ruleID.withUTF8 { out.append(contentsOf: $0) }
                  }
                  out.append(UInt8(ascii: ":"))
                  appendDecimal(contributions[n].points, to: &out)
                }
              }
            } else {
              scratch.removeAll(keepingCapacity: true)
              for (n, c) in scores[i].contributions.enumerated() {
                if n > 0 { scratch.append(UInt8(ascii: ";")) }
                scratch.append(contentsOf: c.ruleID.utf8)
                scratch.append(UInt8(ascii: ":"))
                appendDecimal(c.points, to: &scratch)
              }
              appendField(scratch, to: &out)
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: repeated[suffixRange]))
            if out.count >= flushThreshold {
              try out.withUnsafeBytes { try file.write($0) }
              out.removeAll(keepingCapacity: true)
            }
          }
        }
      }
    }
    try out.withUnsafeBytes { try file.write($0) }
    try file.close()
  }

  static let flushThreshold = 1 << 20

  /// Appends one record and its line end.
  static func appendRow(_ fields: [String], to out: inout [UInt8]) {
    for (n, field) in fields.enumerated() {
      if n > 0 { out.append(UInt8(ascii: ",")) }
      appendField(Array(field.utf8), to: &out)
    }
    out.append(UInt8(ascii: "\n"))
  }

  /// Appends one field as `CSVWriter` (with `protectFormulas`) encodes it. A field that needs nothing — no comma,
  /// quote, CR or LF, and no leading `=`, `+`, `-`, `@`, tab or CR — is its bytes (what `CSVWriter` writes for it);
  /// any other goes through `CSVWriter` itself, so quoting and formula protection stay in one place.
  static func appendField(_ field: some Collection<UInt8>, to out: inout [UInt8]) {
    var plain = true
    if let first = field.first,
      first == 0x3D || first == 0x2B || first == 0x2D || first == 0x40 || first == 0x09 || first == 0x0D
    {
      plain = false
    } else {
      for byte in field where byte == 0x2C || byte == 0x22 || byte == 0x0A || byte == 0x0D {
        plain = false
        break
      }
    }
    if plain {
      out.append(contentsOf: field)
      return
    }
    let writer = CSVWriter(protectFormulas: true)
    Array(field).withUnsafeBufferPointer { writer.writeField(utf8: $0) }
    out.append(contentsOf: writer.contents.utf8)
  }

  /// The positions of `scores` in patient_id order (byte order of the UTF-8 ids, as `String`'s `<` would not be);
  /// nil when they are in that order already.
  static func idOrder(_ scores: [PatientScore], patients: [PatientRecord]) -> [Int]? {
    var sorted = true
    for k in scores.indices.dropFirst()
    where patients[scores[k].patient].id.utf8Precedes(patients[scores[k - 1].patient].id) {
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
    // Points and scores are mostly one or two digits.
    if value >= 0 && value < 100 {
      if value >= 10 { out.append(UInt8(ascii: "0") + UInt8(value / 10)) }
      out.append(UInt8(ascii: "0") + UInt8(value % 10))
      return
    }
    if value < 0 { out.append(UInt8(ascii: "-")) }
    var magnitude = value.magnitude
    var digits = 1
    var probe = magnitude
    while probe >= 10 {
      probe /= 10
      digits += 1
    }
    out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: digits))
    var i = out.count - 1
    repeat {
      out[i] = UInt8(ascii: "0") + UInt8(magnitude % 10)
      magnitude /= 10
      i -= 1
    } while magnitude > 0
  }
}
