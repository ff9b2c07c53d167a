import Foundation
import Mustache

/// The HTML templates shipped in the package's resources (`Sources/StratifyCore/Templates/*.mustache`); an
/// organization can restyle them by pointing `templates:` in the configuration at a folder of its own copies.
public enum Templates {
  /// Loads `name.mustache` from `folder` when it has one, else from the package's resources.
  public static func load(_ name: String, from folder: String? = nil) throws -> PageTemplate {
    let (text, path) = try source(name, from: folder)
    return try parse(text, path: path)
  }

  /// The text of `name.mustache` (from `folder` when it has one, else from the package's resources) and its path.
  static func source(_ name: String, from folder: String? = nil) throws -> (text: String, path: String) {
    var candidates: [String] = []
    if let folder { candidates.append(folder + "/\(name).mustache") }
    // The resources' Templates folder is copied whole (`.copy("Templates")`): the file is found by its path, which
    // is much cheaper than Foundation's resource lookup (kept for a bundle laid out otherwise).
    if let folder = Bundle.module.resourceURL?.appendingPathComponent("Templates").path,
      FileManager.default.fileExists(atPath: folder + "/\(name).mustache")
    {
      candidates.append(folder + "/\(name).mustache")
    } else if let url = Bundle.module.url(forResource: name, withExtension: "mustache", subdirectory: "Templates") {
      candidates.append(url.path)
    }
    for path in candidates {
      if let data = FileManager.default.contents(atPath: path) {
        return (String(decoding: data, as: UTF8.self), path)
      }
    }
    throw RunError.cannotWrite(path: "\(name).mustache", reason: "template not found in \(candidates)")
  }

  /// Parses a template's text in pieces of about `pieceSize` bytes (nil: whole); `path` names it in the error.
  static func parse(_ text: String, path: String, pieceSize: Int? = 1024) throws -> PageTemplate {
    do {
      if let pieceSize, let pieces = pieces(of: text, size: pieceSize), pieces.count > 1,
        let parsed = try? pieces.map({ try MustacheTemplate(string: String($0)) })
      {
        return PageTemplate(pieces: parsed)
      }
      // A template that cannot be cut, or a piece that does not parse: the whole, whose error names the right line.
      return PageTemplate(pieces: [try MustacheTemplate(string: text)])
    } catch {
      throw RunError.cannotWrite(path: path, reason: "template does not parse: \(error)")
    }
  }

  /// The text cut into pieces of about `size` bytes or more that parse and render one after the other to what the
  /// whole does: each cut is just after a line end, outside any tag and any section. Mustache's parser measures the
  /// rest of the text at every tag (its parse of a 16 KB page took 30 ms of the run); pieces keep the rest short.
  ///
  /// A piece starts as the template starts: at the start of a line, with the default delimiters. So a cut is made
  /// only where the whole template's parse is in that state too: after a line end outside any section, on a line
  /// with no section tag at all. (Mustache carries one thing from a line to the next: after a section closes, the
  /// parser takes "at the start of a line" from whether the section's opening tag stood alone on its line, so the
  /// line after a section is read differently when its opening tag did not; a line without section tags always ends
  /// at the start of the next line.)
  ///
  /// nil when the text cannot be cut safely: a tag that changes how the rest is read (`{{=…=}}` delimiters, a
  /// `{{%…}}` pragma), a tag left open, sections that do not balance, a sigil after a space (`{{ #x}}`), which is
  /// left to the parser, or a brace followed by a non-ASCII byte (a combining mark joins it to the brace in the
  /// parser's characters, so that `{{` or `}}` would not be a delimiter there).
  static func pieces(of text: String, size: Int = 1024) -> [Substring]? {
    let bytes = Array(text.utf8)
    let open = Array("{{".utf8)
    var cuts: [Int] = []
    var depth = 0
    var pieceStart = 0
    var lineHasSection = false
    for k in bytes.indices.dropLast()
    where (bytes[k] == UInt8(ascii: "{") || bytes[k] == UInt8(ascii: "}")) && bytes[k + 1] >= 0x80 {
      return nil
    }
    var i = 0
    func matches(_ pattern: [UInt8], at k: Int) -> Bool {
      k + pattern.count <= bytes.count && bytes[k..<(k + pattern.count)].elementsEqual(pattern)
    }
    while i < bytes.count {
      if matches(open, at: i) {
        let triple = i + 2 < bytes.count && bytes[i + 2] == UInt8(ascii: "{")
        let close = Array((triple ? "}}}" : "}}").utf8)
        var end = i + (triple ? 3 : 2)
        while end < bytes.count, !matches(close, at: end) { end += 1 }
        guard end < bytes.count else { return nil }
        if !triple, i + 2 < end {
          switch bytes[i + 2] {
          case UInt8(ascii: "#"), UInt8(ascii: "^"), UInt8(ascii: "$"), UInt8(ascii: "<"):
            depth += 1
            lineHasSection = true
          case UInt8(ascii: "/"):
            depth -= 1
            lineHasSection = true
            if depth < 0 { return nil }
          case UInt8(ascii: "="), UInt8(ascii: "%"): return nil
          case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"):
            let sigil = bytes[(i + 2)..<end].first { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }
            if let sigil, Array("#^$</=%!{&>".utf8).contains(sigil) { return nil }
          default: break
          }
        }
        i = end + close.count
        continue
      }
      if bytes[i] == UInt8(ascii: "\n") {
        if depth == 0, !lineHasSection, i + 1 - pieceStart >= size, i + 1 < bytes.count {
          cuts.append(i + 1)
          pieceStart = i + 1
        }
        lineHasSection = false
      }
      i += 1
    }
    guard depth == 0, !cuts.isEmpty else { return cuts.isEmpty && depth == 0 ? [Substring(text)] : nil }
    // Byte offsets after a line end are character boundaries (a line end is never inside a character).
    let utf8 = text.utf8
    var pieces: [Substring] = []
    var start = text.startIndex
    for cut in cuts {
      let end = utf8.index(utf8.startIndex, offsetBy: cut)
      pieces.append(text[start..<end])
      start = end
    }
    pieces.append(text[start...])
    return pieces
  }
}

/// A parsed page template, kept as the templates of its pieces (`Templates.pieces(of:)`), rendered one after the
/// other.
public struct PageTemplate: Sendable {
  let pieces: [MustacheTemplate]

  public func render(_ object: Any) -> String {
    if pieces.count == 1 { return pieces[0].render(object) }
    var page = ""
    for piece in pieces { page += piece.render(object) }
    return page
  }
}
