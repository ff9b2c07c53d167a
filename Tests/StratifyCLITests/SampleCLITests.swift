import Foundation
import Testing

@Suite struct SampleCLITests {
  @Test func writesTheThreeExtracts() throws {
    let folder = try TemporaryDirectory()
    defer { folder.remove() }
    let result = try BinaryRunner.run([
      "sample", "--patients", "200", "--seed", "3", "--as-of", "2026-11-20", "--output", folder.path("out"),
    ])
    #expect(result.status == 0, "stderr: \(result.stderr)")
    #expect(result.stdout.contains("200 patients"))
    for name in ["patients.csv", "utilization.csv", "discharges.csv"] {
      #expect(FileManager.default.fileExists(atPath: folder.path("out/\(name)")), "\(name) missing")
    }
    let patients = try String(contentsOfFile: folder.path("out/patients.csv"), encoding: .utf8)
    #expect(patients.split(separator: "\n").count == 201)
  }

  @Test func refusesZeroPatientsAsAUsageError() throws {
    let folder = try TemporaryDirectory()
    defer { folder.remove() }
    let result = try BinaryRunner.run(["sample", "--patients", "0", "--output", folder.path("out")])
    #expect(result.status == 64)
    #expect(!FileManager.default.fileExists(atPath: folder.path("out/patients.csv")))
  }
}
