extension PrometheusTextfile {
  /// Reads back a textfile this type wrote (HELP, TYPE and sample lines; other comments and blank lines are
  /// skipped). A line it cannot read is skipped too: the stable file is rewritten from what could be kept.
  public init(parsing text: String) {
    var families: [Family] = []
    func index(_ name: String) -> Int {
      if let i = families.firstIndex(where: { $0.name == name }) { return i }
      families.append(Family(name, help: "", samples: []))
      return families.count - 1
    }
    for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
      if line.hasPrefix("# HELP ") || line.hasPrefix("# TYPE ") {
        let rest = line.dropFirst(7)
        guard let space = rest.firstIndex(of: " ") else { continue }
        let i = index(String(rest[..<space]))
        let value = String(rest[rest.index(after: space)...])
        if line.hasPrefix("# HELP ") {
          families[i].help = Self.unescape(value)
        } else {
          families[i].type = value
        }
      } else if !line.hasPrefix("#"), let (name, sample) = Self.sample(line) {
        families[index(name)].samples.append(sample)
      }
    }
    self.init(families: families)
  }

  /// `name{a="x",b="y"} 12` → ("name", sample); nil when the line is not a sample.
  static func sample(_ line: Substring) -> (String, Sample)? {
    let chars = Array(line)
    var i = 0
    while i < chars.count, chars[i] != "{", chars[i] != " " { i += 1 }
    let name = String(chars[0..<i])
    guard !name.isEmpty, i < chars.count else { return nil }
    var labels: [Label] = []
    if chars[i] == "{" {
      i += 1
      while i < chars.count, chars[i] != "}" {
        var labelName = ""
        while i < chars.count, chars[i] != "=" {
          if chars[i] != "," { labelName.append(chars[i]) }
          i += 1
        }
        guard i + 1 < chars.count, chars[i + 1] == "\"" else { return nil }
        i += 2
        var value = ""
        while i < chars.count, chars[i] != "\"" {
          if chars[i] == "\\", i + 1 < chars.count {
            i += 1
            value.append(chars[i] == "n" ? "\n" : chars[i])
          } else {
            value.append(chars[i])
          }
          i += 1
        }
        i += 1
        labels.append(Label(labelName, value))
      }
      i += 1
    }
    let rest = String(chars[min(i, chars.count)...]).split(separator: " ")
    guard let first = rest.first, let value = Double(first) else { return nil }
    return (name, Sample(labels: labels, value: value))
  }

  static func unescape(_ text: String) -> String {
    var out = ""
    var escaped = false
    for c in text {
      if escaped {
        out.append(c == "n" ? "\n" : c)
        escaped = false
      } else if c == "\\" {
        escaped = true
      } else {
        out.append(c)
      }
    }
    return out
  }
}
