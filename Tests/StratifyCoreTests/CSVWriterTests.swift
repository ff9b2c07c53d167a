import Testing

@testable import StratifyCore

@Suite struct CSVWriterTests {
  @Test(arguments: [
    ("=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\""),
    ("+1+2", "'+1+2"),
    ("-2+3", "'-2+3"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"),
    ("\rx", "\"'\rx\""),
    ("-12", "-12"),
    ("-0.5", "-0.5"),
    ("O'Brien, Jr.", "\"O'Brien, Jr.\""),
    ("plain", "plain"),
    ("", ""),
  ])
  func protectsAgainstFormulaInjection(cell: String, written: String) throws {
    let writer = CSVWriter(protectFormulas: true)
    try writer.writeRow([cell])
    #expect(writer.contents == written + "\n")
  }

  @Test func leavesCellsAloneWithoutProtection() throws {
    let writer = CSVWriter()
    try writer.writeRow(["=1+1", "a\nb"])
    #expect(writer.contents == "=1+1,\"a\nb\"\n")
  }
}
