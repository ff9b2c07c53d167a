extension SampleGenerator {
  /// Primary diagnoses of encounters that are not about a chronic condition, by setting (real ICD-10-CM codes).
  /// A visit about one of the patient's own conditions uses that condition's code (or its `acute` code) instead.
  enum EncounterCodes {
    /// Common ED presentations: chest and abdominal pain, injuries, infections, syncope.
    static let emergency = [
      "R07.9", "R10.9", "J06.9", "S93.401A", "N39.0", "R55", "S01.81XA", "K52.9", "M54.50", "R51.9", "J18.9",
      "R06.02", "T78.40XA", "R11.2",
    ]
    /// Urgent-care visits: minor infections and injuries.
    static let urgentCare = ["J06.9", "J02.9", "N39.0", "S93.401A", "H10.9", "J01.90", "B34.9", "U07.1", "R05.9"]
    /// Office and telehealth visits not about a chronic condition: wellness, vaccines, minor complaints.
    static let office = ["Z00.00", "Z00.01", "Z23", "J06.9", "M54.50", "R53.83", "N39.0", "L70.0", "Z12.31", "R05.9"]
    /// Acute inpatient and observation stays.
    static let acuteStay = [
      "J18.9", "A41.9", "N39.0", "R07.9", "R55", "K56.609", "N17.9", "I48.91", "S72.001A", "K85.90", "K35.80",
      "U07.1", "J96.01", "E86.0", "L03.115", "K92.2",
    ]
    /// Elective admissions: joint replacement, cardiac, spine and gallbladder procedures.
    static let electiveStay = ["M17.11", "M16.11", "I25.10", "M48.061", "K80.20", "M17.12"]
    /// Case-management contacts not about a condition: follow-up after a stay, counselling.
    static let caseManagement = ["Z09", "Z71.89"]
    /// Z codes for each screened social need, in `SocialNeed` order (ICD-10-CM Z55–Z65).
    static let socialNeed = ["Z59.00", "Z59.41", "Z59.82", "Z59.12", "Z65.8", "Z63.6"]
  }

  /// Screened social needs (DATA_CONTRACT.md). Weights are shares among patients with a need (food insecurity and
  /// transportation most often, per AHC screening reports); caregiver strain rises with age.
  enum SocialNeed: Int, CaseIterable, Sendable {
    case housing, food, transportation, utilities, safety, caregiver

    var name: String {
      switch self {
      case .housing: return "housing"
      case .food: return "food"
      case .transportation: return "transportation"
      case .utilities: return "utilities"
      case .safety: return "safety"
      case .caregiver: return "caregiver"
      }
    }

    func weight(age: Int) -> Double {
      switch self {
      case .housing: return 16
      case .food: return 30
      case .transportation: return 24
      case .utilities: return 16
      case .safety: return 4
      case .caregiver: return age >= 75 ? 24 : 8
      }
    }
  }
}
