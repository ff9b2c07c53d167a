import Foundation
import Testing

@testable import StratifyCore

/// Worklist and per-practice report files are named after list and practice ids: every id gets a name of its own
/// that the file system accepts, and the usual ids keep their own name.
@Suite struct WorklistFileNameTests {
  @Test func idsOfSafeCharactersAreTheirOwnName() {
    for id in ["CM01001", "unassigned-PR02", "a.b_c-D", String(repeating: "x", count: 96)] {
      #expect(WorklistWriter.fileName(id) == id)
    }
  }

  @Test func idsThatWouldShareANameGetNamesOfTheirOwn() {
    let ids = [
      "CM/01", "CM:01", "CM_01", "CM 01", "", "_", ".x", "_.x", "Zoë", "Zoe\u{308}", "..", "_._", "\u{212A}1", "K1",
    ]
    let names = ids.map(WorklistWriter.fileName)
    #expect(Set(names).count == ids.count, "\(names)")
    for name in names {
      #expect(!name.hasPrefix("."))
      #expect(!name.contains("/"))
    }
    #expect(WorklistWriter.fileName("CM/01").hasPrefix("_CM_01~"))
  }

  @Test func longIdsGetShortASCIINamesOfTheirOwn() {
    let long = String(repeating: "p", count: 300)
    let ids = [long, long + "q", String(repeating: "p", count: 97), String(repeating: "é", count: 200)]
    let names = ids.map(WorklistWriter.fileName)
    #expect(Set(names).count == ids.count)
    for name in names { #expect(name.utf8.count <= 82 && name.utf8.allSatisfy { $0 < 0x80 }) }
  }

  /// Two case managers whose ids differ only in characters a file name cannot hold each get their own file.
  @Test func listsWhoseIdsDifferInUnsafeCharactersAreWrittenToTheirOwnFiles() throws {
    let folder = try TestFolder()
    defer { folder.remove() }
    let items = [WorklistHTMLTests.item("P1", list: "CM/01"), WorklistHTMLTests.item("P2", list: "CM:01")]
    try WorklistWriter.writeListFiles(items, folder: folder.path)
    let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
    #expect(files.count == 2)
    #expect(files.allSatisfy { $0.hasPrefix("_CM_01~") && $0.hasSuffix(".csv") })
  }
}
