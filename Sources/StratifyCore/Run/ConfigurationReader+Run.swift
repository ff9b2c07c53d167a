import Yams

extension ConfigurationReader {
  /// A whole number at least `minimum`.
  func integer(_ node: Node, key: String, minimum: Int) throws -> Int {
    let text = try string(node, key: key, expected: "a whole number")
    guard let value = Int(text), value >= minimum else {
      throw error(at: node, "expected a whole number of at least \(minimum) for '\(key)', found '\(text)'")
    }
    return value
  }

  /// `holidays: { base: us_federal | none, add: [YYYY-MM-DD, …] }`: the business-day calendar of due dates.
  func holidays(_ node: Node) throws -> HolidaySettings {
    var settings = HolidaySettings()
    for (key, value) in try pairs(node, what: "'holidays'") {
      switch key.string ?? "" {
      case "base":
        let base = try string(value, key: "holidays.base", expected: "us_federal or none")
        guard let b = HolidaySettings.Base(rawValue: base) else {
          throw error(at: value, "expected us_federal or none for 'holidays.base', found '\(base)'")
        }
        settings.base = b
      case "add":
        guard case .sequence(let items) = value else {
          throw error(at: value, "expected a list of dates (YYYY-MM-DD) for 'holidays.add', found \(describe(value))")
        }
        settings.added = try items.map { try day($0, key: "holidays.add") }
      default:
        throw unknownKey(key.string ?? "", at: key, known: ["base", "add"], in: "'holidays'")
      }
    }
    return settings
  }

  /// `capacity: { default: {tier: patients}, case_managers: {CM01: {tier: patients}} }`.
  func capacity(_ node: Node) throws -> CaseloadCapacity {
    var capacity = CaseloadCapacity()
    for (key, value) in try pairs(node, what: "'capacity'") {
      switch key.string ?? "" {
      case "default":
        capacity.defaults = try tierLimits(value, place: "capacity.default")
      case "case_managers":
        for (cm, limits) in try pairs(value, what: "'capacity.case_managers'") {
          let id = cm.string ?? ""
          capacity.perCaseManager[id] = try tierLimits(limits, place: "capacity.case_managers.\(id)")
        }
      default:
        throw unknownKey(key.string ?? "", at: key, known: ["default", "case_managers"], in: "'capacity'")
      }
    }
    return capacity
  }

  private func tierLimits(_ node: Node, place: String) throws -> [String: Int] {
    var limits: [String: Int] = [:]
    for (tier, value) in try pairs(node, what: "'\(place)'") {
      limits[tier.string ?? ""] = try integer(value, key: "\(place).\(tier.string ?? "")", minimum: 0)
    }
    return limits
  }
}

/// The holiday calendar setting: a base list and dates added to it.
public struct HolidaySettings: Sendable, Equatable {
  public enum Base: String, Sendable {
    case usFederal = "us_federal"
    case none
  }
  public var base: Base = .usFederal
  public var added: [Day] = []

  public var calendar: BusinessCalendar {
    let start = base == .usFederal ? BusinessCalendar.usFederal : BusinessCalendar(holidays: [])
    return start.adding(added)
  }
}

extension Configuration {
  /// The business-day calendar for due dates (US federal holidays unless configured otherwise).
  public var businessCalendar: BusinessCalendar { (holidays ?? HolidaySettings()).calendar }
}
