import Foundation
import Testing

@testable import StratifyCore

/// The pieces the patients.csv merge is made of: list sharing, rows moved between parsers, and a directory built
/// from keys made beforehand, each giving what the plain way gives.
@Suite struct PatientMergeTests {
  /// Fields that the cache must tell apart, including ones whose hashes come from the same words.
  static let fields = [
    "E11.9;I50.9", "e11.9;i50.9", "E119;I509", "E11.9;I50.9;", "I10", "I10 ", "J44.1;E11.9;I50.9;N18.4;F41.9",
    "12345678", "123456781", "1234567812345678", "12345678123456781", "food", "Food; housing", "housing;food",
  ]

  @Test func theListCacheGivesWhatParsingGivesAndSharesEqualFields() {
    var codes = FieldListCache()
    var words = FieldListCache()
    for field in Self.fields + Self.fields {
      var bytes = Array(field.utf8)
      bytes.withUnsafeMutableBufferPointer { raw in
        let b = UnsafeBufferPointer(raw)
        #expect(codes.list(for: b, parse: FieldBytes.codes) == FieldBytes.codes(b))
        #expect(words.list(for: b, parse: FieldBytes.list) == FieldBytes.list(b))
      }
    }
  }

  /// Lists parsed the plain way (split, then each item normalized on its own), for `FieldBytes.codes` and `.list`.
  static func plainCodes(_ b: UnsafeBufferPointer<UInt8>) -> [String] {
    b.split(omittingEmptySubsequences: false, whereSeparator: { ";,|".utf8.contains($0) }).compactMap { item in
      FieldBytes.code(UnsafeBufferPointer(rebasing: item))
    }
  }

  static func plainList(_ b: UnsafeBufferPointer<UInt8>) -> [String] {
    b.split(omittingEmptySubsequences: false, whereSeparator: { ";,|".utf8.contains($0) }).compactMap { item in
      let t = FieldBytes.trimmed(UnsafeBufferPointer(rebasing: item))
      return t.isEmpty ? nil : String(decoding: t.map(FieldBytes.lower), as: UTF8.self)
    }
  }

  @Test func listsParseAsTheirItemsOneByOne() {
    var fields: [[UInt8]] =
      (Self.fields + [
        "", ";", ";;", " ; . ;", "e11.9;;i50.9", ".E.1.1.", "j45.909 ;\tF41.9\r", "Ünïcödé;straße; ÇA ",
        "A123456789012345678901234567890;b", "food ; Housing;TRANSPORT;;", "E11.9, I50.9", "E11.9|I50.9",
        "E11.9 I50.9", "housing, food|utilities",
      ]).map { Array($0.utf8) }
    fields.append([0x45, 0xFF, 0x31, 0x3B, 0xC3, 0x3B, 0x20, 0xE2, 0x82])  // invalid UTF-8, repaired alike
    for bytes in fields {
      bytes.withUnsafeBufferPointer { b in
        #expect(FieldBytes.codes(b) == Self.plainCodes(b))
        #expect(FieldBytes.list(b) == Self.plainList(b))
      }
    }
  }

  /// A code holds no comma or bar, so each separates codes as `;` does; a word list splits at `,` and `|`. A space
  /// does not separate (a description after a code stays in its item).
  @Test func codesAndWordsSplitAtCommasAndBarsNotSpaces() {
    for (field, expected) in [
      ("E11.9, I50.9", ["E119", "I509"]), ("E11.9|i50.9", ["E119", "I509"]),
      ("E11.9 I50.9;J44.1", ["E119I509", "J441"]),
    ] {
      var bytes = Array(field.utf8)
      bytes.withUnsafeMutableBufferPointer { #expect(FieldBytes.codes(UnsafeBufferPointer($0)) == expected) }
    }
    var needs = Array("Housing, food|caregiver support".utf8)
    needs.withUnsafeMutableBufferPointer {
      #expect(FieldBytes.list(UnsafeBufferPointer($0)) == ["housing", "food", "caregiver support"])
    }
  }

  @Test func yesNoKnowsEachSpellingInAnyCaseAndNothingElse() {
    let yes = ["y", "yes", "true", "1"]
    let no = ["n", "no", "false", "0"]
    func cases(_ word: String) -> [String] {
      [word, word.uppercased(), word.prefix(1).uppercased() + word.dropFirst()]
    }
    var fields: [[UInt8]] = (yes.flatMap(cases) + no.flatMap(cases)).map { Array($0.utf8) }
    fields += ["", "ye", "yess", "tru", "falsey", "2", "y ", "nope", "yes\u{0}", "ÿ", "truE1"].map { Array($0.utf8) }
    fields += [[0x79, 0x00], [0x4E, 0x00, 0x00], [0x59 | 0x80], [0x66, 0x61, 0x6C, 0x73, 0x65, 0x00]]
    for bytes in fields {
      bytes.withUnsafeBufferPointer { b in
        let word = String(decoding: b, as: UTF8.self)
        let expected: Bool? =
          bytes.contains(0) || bytes.contains { $0 >= 0x80 }
          ? nil
          : yes.contains(word.lowercased()) ? true : no.contains(word.lowercased()) ? false : nil
        #expect(FieldBytes.yesNo(b) == expected, "\(bytes)")
      }
    }
  }

  @Test func theListCacheKeepsFindingEntriesAfterGrowing() {
    var cache = FieldListCache()
    let fields = (0..<5000).map { "C\($0 * 7919 % 100_000);D\($0)" }
    for _ in 0..<2 {
      for field in fields {
        var bytes = Array(field.utf8)
        bytes.withUnsafeMutableBufferPointer { raw in
          let b = UnsafeBufferPointer(raw)
          #expect(cache.list(for: b, parse: FieldBytes.codes) == FieldBytes.codes(b))
        }
      }
    }
  }

  /// Counts its live instances, so a test can see that moved rows are neither lost nor released twice.
  final class Tracked {
    nonisolated(unsafe) static var live = 0
    let value: Int
    init(_ value: Int) {
      self.value = value
      Self.live += 1
    }
    deinit { Self.live -= 1 }
  }

  @Test func movedRowsArriveInOrderAndRowsLeftBehindAreReleased() {
    do {
      let rows = MovableRows<Tracked>()
      for k in 0..<3000 { rows.append(Tracked(k)) }
      #expect(rows.count == 3000 && rows[2999].value == 2999)
      var moved: [Tracked] = []
      rows.takeAll { buffer in
        for k in buffer.indices { moved.append((buffer.baseAddress! + k).move()) }
      }
      #expect(rows.count == 0)
      #expect(moved.map(\.value) == Array(0..<3000))
      #expect(Tracked.live == 3000)
      let kept = MovableRows<Tracked>()
      kept.reserveCapacity(10)
      for k in 0..<10 { kept.append(Tracked(k)) }
      #expect(Tracked.live == 3010)
    }
    #expect(Tracked.live == 0)
  }

  @Test func insertingWithAKeyMadeBeforehandIsInsertingTheId() {
    let ids = (0..<3000).map { "P\($0 % 2500)" } + ["A-VERY-LONG-PATIENT-ID-1", "P\u{E9}9", "Pe\u{301}9", "P1"]
    var plain = PatientDirectory()
    var keyed = PatientDirectory()
    keyed.reserveCapacity(100)
    var touched: Int32 = 0
    for (k, id) in ids.enumerated() {
      if k % 64 == 0 { touched &+= keyed.touch(ids[k..<min(k + 64, ids.count)].map { ShortPatientID($0) }[...]) }
      #expect(keyed.insert(id, key: ShortPatientID(id)) == plain.insert(id))
    }
    #expect(keyed.count == plain.count)
    for id in ids { #expect(keyed.position(of: id) == plain.position(of: id)) }
    _ = touched
  }

  @Test(arguments: [1, 2, 5])
  func aLargeChunkedPatientsFileGivesWhatASequentialReadGives(chunks: Int) throws {
    var rows: [String] = []
    for k in 0..<3000 {
      switch k % 97 {
      case 5: rows.append(Extracts.patient("P\(k * 31 % 1000)"))  // an id seen earlier, often in another chunk
      case 11: rows.append(Extracts.patient("P\(k)", birth: "1950-13-40"))  // rejected; its id stays unknown
      case 12 where k % 2 == 0: rows.append(Extracts.patient("P\(k - 1)"))  // accepted after being rejected
      default: rows.append(Extracts.patient("P\(k)"))
      }
    }
    let folder = try TestFolder()
    defer { folder.remove() }
    let paths = try Extracts.write(
      in: folder, patients: rows, utilization: [Extracts.event("P11"), Extracts.event("P108"), Extracts.event("P2")])
    let sequential = try Extracts.loadSequentiallyAndChunked(paths, blockSize: 512, chunks: chunks)
    #expect(sequential.rejects.contains { $0.category == .duplicatePatient })
    #expect(sequential.rejects.contains { $0.reason.contains("was rejected in patients.csv") })
    for (k, patient) in sequential.patients.enumerated() { #expect(sequential.patientPosition(of: patient.id) == k) }
  }
}
