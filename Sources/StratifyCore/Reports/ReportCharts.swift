/// The inline SVG charts of report.html, drawn from numbers with every label escaped, so the template can insert
/// them unescaped (`{{{svg}}}`). Plain shapes and text only: no script, no external fonts or images.
enum ReportCharts {
  /// One horizontal bar of the risk pyramid.
  struct TierBar {
    var label: String
    var count: Int
    var share: Double?
    var color: String
  }

  /// One case manager's load.
  struct LoadBar {
    var label: String
    var patients: Int
    var overCapacity: Int
    var capacity: Int?
  }

  /// One line of a trend chart.
  struct Series {
    var label: String
    var color: String
    var values: [Double?]
  }

  static let ink = "#1d2430"
  static let muted = "#5b6472"
  static let grid = "#d5dae1"
  static let accent = "#1f4e79"
  static let alert = "#a4161a"

  /// Tier colours by rank (most intensive first); unranked tiers are grey.
  static func tierColor(rank: Int?) -> String {
    guard let rank else { return "#9aa3ae" }
    let palette = ["#8f1d21", "#d1495b", "#edae49", "#66a182", "#00798c", "#30638e"]
    return palette[min(rank, palette.count - 1)]
  }

  /// Centred bars, most intensive tier on top: the risk pyramid. Width is proportional to the patient count.
  static func pyramid(_ bars: [TierBar]) -> String {
    let rowHeight = 30
    let width = 520
    let center = 260
    let half = 140
    let height = bars.count * rowHeight + 8
    let largest = max(1, bars.map(\.count).max() ?? 1)
    var out = svgOpen(width: width, height: height, title: "Patients per tier")
    for (i, bar) in bars.enumerated() {
      let y = 4 + i * rowHeight
      let w = bar.count == 0 ? 0 : max(2, Int((Double(bar.count) / Double(largest) * Double(2 * half)).rounded()))
      out +=
        "<text x=\"\(center - half - 8)\" y=\"\(y + 20)\" text-anchor=\"end\" class=\"lbl\">\(escape(bar.label))</text>"
      out +=
        "<rect x=\"\(center - w / 2)\" y=\"\(y + 3)\" width=\"\(w)\" height=\"\(rowHeight - 6)\" fill=\"\(bar.color)\"/>"
      out +=
        "<text x=\"\(center + half + 8)\" y=\"\(y + 20)\" class=\"val\">\(Figures.grouped(bar.count)) · "
        + "\(Figures.percent(bar.share))</text>"
    }
    return out + "</svg>"
  }

  /// Patients per case manager against capacity: the bar is the patients on the list (the part beyond capacity in
  /// red), the dark tick is the capacity.
  static func load(_ bars: [LoadBar]) -> String {
    let rowHeight = 24
    let left = 110
    let plot = 380
    let width = 640
    let height = bars.count * rowHeight + 28
    let largest = max(1, bars.map { max($0.patients, $0.capacity ?? 0) }.max() ?? 1)
    func x(_ n: Int) -> Int { left + Int((Double(n) / Double(largest) * Double(plot)).rounded()) }
    var out = svgOpen(width: width, height: height, title: "Patients per case manager against capacity")
    for (i, bar) in bars.enumerated() {
      let y = 4 + i * rowHeight
      let within = bar.patients - bar.overCapacity
      out += "<text x=\"\(left - 8)\" y=\"\(y + 15)\" text-anchor=\"end\" class=\"lbl\">\(escape(bar.label))</text>"
      out +=
        "<rect x=\"\(left)\" y=\"\(y + 3)\" width=\"\(x(within) - left)\" height=\"\(rowHeight - 8)\" fill=\"\(accent)\"/>"
      if bar.overCapacity > 0 {
        out +=
          "<rect x=\"\(x(within))\" y=\"\(y + 3)\" width=\"\(x(bar.patients) - x(within))\" height=\"\(rowHeight - 8)\" "
          + "fill=\"\(alert)\"/>"
      }
      if let capacity = bar.capacity {
        out +=
          "<line x1=\"\(x(capacity))\" x2=\"\(x(capacity))\" y1=\"\(y)\" y2=\"\(y + rowHeight - 2)\" stroke=\"\(ink)\" stroke-width=\"2\"/>"
      }
      let text =
        "\(Figures.grouped(bar.patients))" + (bar.capacity.map { " / \(Figures.grouped($0))" } ?? "")
        + (bar.overCapacity > 0 ? " (\(Figures.grouped(bar.overCapacity)) over)" : "")
      out +=
        "<text x=\"\(max(x(bar.patients), bar.capacity.map(x) ?? 0) + 8)\" y=\"\(y + 15)\" class=\"val\">\(escape(text))</text>"
    }
    let legendY = height - 8
    out += "<rect x=\"\(left)\" y=\"\(legendY - 9)\" width=\"10\" height=\"10\" fill=\"\(accent)\"/>"
    out += "<text x=\"\(left + 14)\" y=\"\(legendY)\" class=\"note\">patients on the list</text>"
    out += "<rect x=\"\(left + 140)\" y=\"\(legendY - 9)\" width=\"10\" height=\"10\" fill=\"\(alert)\"/>"
    out += "<text x=\"\(left + 154)\" y=\"\(legendY)\" class=\"note\">beyond capacity</text>"
    out +=
      "<line x1=\"\(left + 262)\" x2=\"\(left + 262)\" y1=\"\(legendY - 10)\" y2=\"\(legendY + 1)\" stroke=\"\(ink)\" stroke-width=\"2\"/>"
    out += "<text x=\"\(left + 268)\" y=\"\(legendY)\" class=\"note\">capacity (sum of tier limits)</text>"
    return out + "</svg>"
  }

  /// A small line chart over the runs `dates` (oldest first), from 0 to the largest value (or 0–100% for shares).
  static func trend(title: String, dates: [String], series: [Series], percent: Bool = false) -> String {
    let width = 300
    let height = 150
    let left = 40
    let right = 10
    let top = 10
    let bottom = 112
    let values = series.flatMap { $0.values.compactMap { $0 } }
    let top1 = percent ? 1.0 : niceCeiling(values.max() ?? 0)
    let n = dates.count
    func x(_ i: Int) -> Double {
      n <= 1
        ? Double(left + (width - left - right) / 2)
        : Double(left) + Double(i) * Double(width - left - right) / Double(n - 1)
    }
    func y(_ v: Double) -> Double { Double(bottom) - (top1 == 0 ? 0 : v / top1) * Double(bottom - top) }
    func label(_ v: Double) -> String { percent ? Figures.percent(v, places: 0) : Figures.grouped(Int(v.rounded())) }
    var out = svgOpen(
      width: width, height: height + (series.count > 1 ? 16 * ((series.count + 2) / 3) : 0), title: title)
    for v in [0, top1 / 2, top1] {
      out += "<line x1=\"\(left)\" x2=\"\(width - right)\" y1=\"\(fmt(y(v)))\" y2=\"\(fmt(y(v)))\" stroke=\"\(grid)\"/>"
      out +=
        "<text x=\"\(left - 4)\" y=\"\(fmt(y(v) + 4))\" text-anchor=\"end\" class=\"tick\">\(escape(label(v)))</text>"
    }
    if let first = dates.first, let last = dates.last {
      out += "<text x=\"\(left)\" y=\"\(bottom + 16)\" class=\"tick\">\(escape(first))</text>"
      if n > 1 {
        out +=
          "<text x=\"\(width - right)\" y=\"\(bottom + 16)\" text-anchor=\"end\" class=\"tick\">\(escape(last))</text>"
      }
    }
    if n == 0 { out += "<text x=\"\(width / 2)\" y=\"60\" text-anchor=\"middle\" class=\"note\">no runs yet</text>" }
    for s in series {
      var path = ""
      var pen = false
      for (i, value) in s.values.enumerated() {
        guard let value else {
          pen = false
          continue
        }
        path += (pen ? " L" : " M") + "\(fmt(x(i))) \(fmt(y(value)))"
        pen = true
      }
      if !path.isEmpty {
        out += "<path d=\"\(path.dropFirst())\" fill=\"none\" stroke=\"\(s.color)\" stroke-width=\"2\"/>"
      }
      if let i = s.values.lastIndex(where: { $0 != nil }), let v = s.values[i] {
        out += "<circle cx=\"\(fmt(x(i)))\" cy=\"\(fmt(y(v)))\" r=\"3\" fill=\"\(s.color)\"/>"
      }
    }
    if series.count > 1 {
      for (k, s) in series.enumerated() {
        let lx = left + (k % 3) * 86
        let ly = height - 14 + 16 * (k / 3) + 10
        out += "<rect x=\"\(lx)\" y=\"\(ly - 8)\" width=\"10\" height=\"3\" fill=\"\(s.color)\"/>"
        out += "<text x=\"\(lx + 14)\" y=\"\(ly - 3)\" class=\"note\">\(escape(s.label))</text>"
      }
    }
    return out + "</svg>"
  }

  /// A thin horizontal bar for a share in a table cell.
  static func shareBar(_ share: Double?, color: String = accent) -> String {
    let w = Int(((share ?? 0) * 100).rounded())
    return "<svg class=\"bar\" width=\"100\" height=\"10\" viewBox=\"0 0 100 10\" aria-hidden=\"true\">"
      + "<rect width=\"100\" height=\"10\" fill=\"\(grid)\"/><rect width=\"\(min(100, max(0, w)))\" height=\"10\" "
      + "fill=\"\(color)\"/></svg>"
  }

  /// A single bar split by tier (the practice sections): widths proportional to the counts.
  static func stacked(_ bars: [TierBar]) -> String {
    let total = max(1, bars.reduce(0) { $0 + $1.count })
    var out =
      "<svg class=\"stack\" width=\"400\" height=\"14\" viewBox=\"0 0 400 14\" role=\"img\"><title>Patients per tier</title>"
    var x = 0.0
    for bar in bars where bar.count > 0 {
      let w = Double(bar.count) / Double(total) * 400
      out +=
        "<rect x=\"\(fmt(x))\" width=\"\(fmt(w))\" height=\"14\" fill=\"\(bar.color)\"><title>\(escape(bar.label)) "
        + "\(bar.count)</title></rect>"
      x += w
    }
    return out + "</svg>"
  }

  static func svgOpen(width: Int, height: Int, title: String) -> String {
    "<svg class=\"chart\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" role=\"img\">"
      + "<title>\(escape(title))</title>"
  }

  /// The next round number at or above `v` (1, 2, 5 × 10ⁿ), at least 1.
  static func niceCeiling(_ v: Double) -> Double {
    guard v > 1 else { return 1 }
    var magnitude = 1.0
    while magnitude * 10 <= v { magnitude *= 10 }
    for step in [1.0, 2.0, 5.0, 10.0] where step * magnitude >= v { return step * magnitude }
    return 10 * magnitude
  }

  static func fmt(_ v: Double) -> String { Figures.fixed(v, places: 1).replacingOccurrences(of: "−", with: "-") }

  /// Escapes text for HTML and SVG content and attribute values.
  static func escape(_ text: String) -> String {
    var out = ""
    for c in text {
      switch c {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&#39;"
      default: out.append(c)
      }
    }
    return out
  }
}
