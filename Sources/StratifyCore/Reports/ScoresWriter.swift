/// Writes `scores.csv`: one row per accepted patient, sorted by patient_id:
/// `patient_id,score,tier,contributions,rule_set,rule_set_version,rule_set_sha256`. A patient the rule set does not
/// score has an empty score. `contributions` lists `rule_id:points` separated by `;`, in rule order.
public enum ScoresWriter {
  public static let header = [
    "patient_id", "score", "tier", "contributions", "rule_set", "rule_set_version", "rule_set_sha256",
  ]

  public static func write(
    _ scores: [PatientScore], patients: [PatientRecord], ruleSet: RuleSet, to path: String
  ) throws {
    let writer = try CSVWriter(path: path, permissions: OutputFolder.filePermissions, protectFormulas: true)
    try writer.writeRow(header)
    for s in scores.sorted(by: { patients[$0.patient].id.utf8.lexicographicallyPrecedes(patients[$1.patient].id.utf8) })
    {
      writer.writeField(patients[s.patient].id)
      writer.writeField(s.score.map(String.init) ?? "")
      writer.writeField(s.tier)
      writer.writeField(s.contributions.map { "\($0.ruleID):\($0.points)" }.joined(separator: ";"))
      writer.writeField(ruleSet.name)
      writer.writeField(ruleSet.version)
      writer.writeField(ruleSet.sha256)
      try writer.endRow()
    }
    try writer.close()
  }
}
