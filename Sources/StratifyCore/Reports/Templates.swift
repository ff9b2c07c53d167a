import Foundation
import Mustache

/// The HTML templates shipped in the package's resources (`Sources/StratifyCore/Templates/*.mustache`); an
/// organization can restyle them by pointing `templates:` in the configuration at a folder of its own copies.
public enum Templates {
  /// Loads `name.mustache` from `folder` when it has one, else from the package's resources.
  public static func load(_ name: String, from folder: String? = nil) throws -> MustacheTemplate {
    let (text, path) = try source(name, from: folder)
    return try parse(text, path: path)
  }

  /// The text of `name.mustache` (from `folder` when it has one, else from the package's resources) and its path.
  static func source(_ name: String, from folder: String? = nil) throws -> (text: String, path: String) {
    var candidates: [String] = []
    if let folder { candidates.append(folder + "/\(name).mustache") }
    if let url = Bundle.module.url(forResource: name, withExtension: "mustache", subdirectory: "Templates") {
      candidates.append(url.path)
    }
    for path in candidates {
      if let data = FileManager.default.contents(atPath: path) {
        return (String(decoding: data, as: UTF8.self), path)
      }
    }
    throw RunError.cannotWrite(path: "\(name).mustache", reason: "template not found in \(candidates)")
  }

  /// Parses a template's text; `path` names it in the error.
  static func parse(_ text: String, path: String) throws -> MustacheTemplate {
    do {
      return try MustacheTemplate(string: text)
    } catch {
      throw RunError.cannotWrite(path: path, reason: "template does not parse: \(error)")
    }
  }
}
