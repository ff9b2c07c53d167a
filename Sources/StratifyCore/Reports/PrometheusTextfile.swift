/// A file in the Prometheus text exposition format, as node_exporter's textfile collector reads it: metric
/// families, each with `# HELP` and `# TYPE` lines and its samples (`name{label="value"} number`).
public struct PrometheusTextfile: Sendable, Equatable {
  /// One metric family.
  public struct Family: Sendable, Equatable {
    public var name: String
    public var help: String
    /// `gauge` for every stratify metric: each is a value as of the last run.
    public var type: String
    public var samples: [Sample]

    public init(_ name: String, help: String, type: String = "gauge", samples: [Sample]) {
      self.name = name
      self.help = help
      self.type = type
      self.samples = samples
    }

    /// A family with one unlabelled sample.
    public init(_ name: String, help: String, value: Double) {
      self.init(name, help: help, samples: [Sample(value: value)])
    }
  }

  /// One sample: labels in the order given, and a value.
  public struct Sample: Sendable, Equatable {
    public var labels: [Label]
    public var value: Double

    public init(labels: [Label] = [], value: Double) {
      self.labels = labels
      self.value = value
    }
  }

  /// One `name="value"` pair.
  public struct Label: Sendable, Equatable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
      self.name = name
      self.value = value
    }
  }

  public var families: [Family]

  public init(families: [Family]) { self.families = families }

  /// The family named `name`, if any.
  public subscript(name: String) -> Family? { families.first { $0.name == name } }

  /// Replaces the family of the same name in place, or appends it.
  public mutating func set(_ family: Family) {
    if let i = families.firstIndex(where: { $0.name == family.name }) {
      families[i] = family
    } else {
      families.append(family)
    }
  }

  /// The exposition text, one family after another, ending with a newline.
  public var text: String {
    var out = ""
    for family in families {
      out += "# HELP \(family.name) \(Self.escapeHelp(family.help))\n"
      out += "# TYPE \(family.name) \(family.type)\n"
      for sample in family.samples {
        out += family.name
        if !sample.labels.isEmpty {
          out += "{" + sample.labels.map { "\($0.name)=\"\(Self.escapeLabel($0.value))\"" }.joined(separator: ",") + "}"
        }
        out += " " + Self.format(sample.value) + "\n"
      }
    }
    return out
  }

  /// Whole numbers without a fraction; others as Swift's shortest round-trip decimal (Prometheus reads both).
  static func format(_ value: Double) -> String {
    if value.isNaN { return "NaN" }
    if value == value.rounded() && abs(value) < 1e15 { return String(Int64(value)) }
    return String(value)
  }

  static func escapeHelp(_ text: String) -> String {
    text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\n", with: "\\n")
  }

  static func escapeLabel(_ text: String) -> String {
    escapeHelp(text).replacingOccurrences(of: "\"", with: "\\\"")
  }
}
