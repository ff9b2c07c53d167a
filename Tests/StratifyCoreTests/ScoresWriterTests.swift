import Testing

@testable import StratifyCore

@Suite struct ScoresWriterTests {
  /// The byte path of scores.csv encodes every field as CSVWriter does (quoting, formula protection, numbers).
  @Test(arguments: [
    "", "P0001", "a,b", "say \"hi\"", "line\nbreak", "cr\rx", "=SUM(A1)", "+1", "-3", "-3a", "@x", "\tt", "é,ü", "x-y",
  ])
  func fieldsAreEncodedAsCSVWriterEncodesThem(field: String) {
    var bytes: [UInt8] = []
    ScoresWriter.appendField(Array(field.utf8), to: &bytes)
    let writer = CSVWriter(protectFormulas: true)
    writer.writeField(field)
    #expect(String(decoding: bytes, as: UTF8.self) == writer.contents)
  }

  @Test(arguments: [0, 7, -12, 1_234_567, Int.max, Int.min])
  func decimalsAreWrittenAsStringWritesThem(value: Int) {
    var bytes: [UInt8] = []
    ScoresWriter.appendDecimal(value, to: &bytes)
    #expect(String(decoding: bytes, as: UTF8.self) == String(value))
  }
}
