extension SampleGenerator {
  /// The organization the sample describes: five practices of different sizes, each with PCPs (about one per 1,500
  /// patients, at least 3) and case managers (about one per 5,000 patients, at least 2), plus ED and urgent-care
  /// clinicians and the hospitals where stays happen.
  struct Panel: Sendable {
    /// Share of patients per practice.
    static let practiceWeights: [Double] = [30, 25, 20, 15, 10]
    /// One fictitious area code per practice (phones are 555-01xx numbers, reserved for fiction).
    static let areaCodes = ["617", "508", "781", "978", "413"]
    /// Hospitals and their share of stays; one name holds a comma, so generated files exercise quoting too.
    static let facilities: [(name: String, weight: Double)] = [
      ("Mercy General Hospital", 30), ("St. Luke's Medical Center", 24), ("University Hospital, Main Campus", 18),
      ("Riverside Regional Medical Center", 14), ("Lakeview Community Hospital", 10),
      ("Valley Rehabilitation & Specialty Hospital", 4),
    ]

    let practices: ByteTable
    let practiceCumulative: [Double]
    let areaCodes: ByteTable
    /// PCP ids, practice after practice; `pcpRanges[p]` are practice p's.
    let pcps: ByteTable
    let pcpRanges: [Range<Int>]
    let caseManagers: ByteTable
    let caseManagerRanges: [Range<Int>]
    let edClinicians: ByteTable
    let urgentCareClinicians: ByteTable
    let facilities: ByteTable
    let facilityCumulative: [Double]

    init(patients: Int) {
      let total = Panel.practiceWeights.reduce(0, +)
      var pcpIDs: [String] = []
      var cmIDs: [String] = []
      var pcpRanges: [Range<Int>] = []
      var cmRanges: [Range<Int>] = []
      for (p, weight) in Panel.practiceWeights.enumerated() {
        let expected = Double(patients) * weight / total
        let pcpCount = max(3, Int((expected / 1500).rounded(.up)))
        let cmCount = max(2, Int((expected / 5000).rounded(.up)))
        pcpRanges.append(pcpIDs.count..<(pcpIDs.count + pcpCount))
        cmRanges.append(cmIDs.count..<(cmIDs.count + cmCount))
        pcpIDs += (1...pcpCount).map { "DR\(pad(p + 1, 2))\(pad($0, 3))" }
        cmIDs += (1...cmCount).map { "CM\(pad(p + 1, 2))\(pad($0, 3))" }
      }
      practices = ByteTable(Panel.practiceWeights.indices.map { "PR\(pad($0 + 1, 2))" })
      practiceCumulative = SampleGenerator.cumulative(Panel.practiceWeights)
      areaCodes = ByteTable(Panel.areaCodes)
      pcps = ByteTable(pcpIDs)
      self.pcpRanges = pcpRanges
      caseManagers = ByteTable(cmIDs)
      caseManagerRanges = cmRanges
      edClinicians = ByteTable((1...20).map { "ED\(pad($0, 3))" })
      urgentCareClinicians = ByteTable((1...8).map { "UC\(pad($0, 3))" })
      facilities = ByteTable(Panel.facilities.map(\.name))
      facilityCumulative = SampleGenerator.cumulative(Panel.facilities.map(\.weight))
    }
  }

  /// Small name lists: enough variety for worklists to read naturally, with apostrophes, hyphens and accents.
  enum Names {
    static let female = [
      "Mary", "Patricia", "Linda", "Barbara", "Elizabeth", "Jennifer", "Maria", "Susan", "Margaret", "Dorothy",
      "Lisa", "Nancy", "Karen", "Betty", "Helen", "Sandra", "Ana", "Carol", "Ruth", "Sharon", "Michelle", "Laura",
      "Sarah", "Kimberly", "Deborah", "Jessica", "Shirley", "Cynthia", "Angela", "Zoë",
    ]
    static let male = [
      "James", "John", "Robert", "Michael", "William", "David", "Richard", "Joseph", "Thomas", "Charles",
      "Christopher", "Daniel", "Matthew", "Anthony", "Donald", "Mark", "Paul", "Steven", "Andrew", "Kenneth",
      "José", "George", "Kevin", "Brian", "Edward", "Ronald", "Timothy", "Jason", "Jeffrey", "Luis",
    ]
    static let last = [
      "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
      "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin",
      "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson",
      "Walker", "Young", "Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores",
      "O'Connor", "Muñoz", "Garcia-Lopez", "McCarthy", "Kowalski", "Chen", "Okafor", "Silva", "Murphy", "Patel",
    ]
  }
}

/// Decimal `value` left-padded with zeros to `width` digits.
private func pad(_ value: Int, _ width: Int) -> String {
  let digits = String(value)
  return String(repeating: "0", count: max(0, width - digits.count)) + digits
}
