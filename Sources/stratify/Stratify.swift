import ArgumentParser
import StratifyCore

@main
struct Stratify: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "stratify",
    abstract: "Nightly risk stratification and case-management worklists for primary care.",
    version: StratifyVersion.current,
    subcommands: [RunCommand.self, ValidateCommand.self, RulesCommand.self, ExplainCommand.self, SampleCommand.self]
  )

  static func main() {
    MemoryTuning.apply()
    main(nil)
  }
}
