extension SampleGenerator {
  /// Charlson comorbidity categories (Quan et al., Med Care 2005, ICD-10 coding), as named in the rule sets.
  enum CharlsonCategory: Int, CaseIterable, Sendable {
    case ami, chf, pvd, cevd, dementia, copd, rheumd, pud, mld, diab, diabwc, hp, rend, canc, msld, metacanc, aids

    /// The category's bit in `Profile.charlson`.
    var bit: UInt32 { 1 << UInt32(rawValue) }

    /// Charlson's original weight: drives how sick (acuity) a generated patient is.
    var weight: Double {
      switch self {
      case .ami, .chf, .pvd, .cevd, .dementia, .copd, .rheumd, .pud, .mld, .diab: return 1
      case .diabwc, .hp, .rend, .canc: return 2
      case .msld: return 3
      case .metacanc, .aids: return 6
      }
    }
  }

  /// One ICD-10-CM code of a condition group: its relative weight within the group, its Charlson category under
  /// Quan 2005 (nil when it has none) and the sex it is restricted to (nil = any).
  struct CatalogCode: Sendable {
    var code: String
    var weight: Double
    var charlson: CharlsonCategory?
    var sex: String?

    init(_ code: String, _ weight: Double, _ charlson: CharlsonCategory? = nil, sex: String? = nil) {
      self.code = code
      self.weight = weight
      self.charlson = charlson
      self.sex = sex
    }
  }

  /// A chronic condition as it appears on problem lists: a patient has at most one code of a group.
  ///
  /// `prevalence` is the share of patients with the condition by age band (18–44, 45–64, 65–79, 80+), rounded
  /// from US adult figures (CDC NHIS/NHANES, CMS chronic-conditions data) for a primary-care panel; each patient's
  /// frailty then scales it, which makes conditions cluster and gives the count its long tail. `acute` is the code
  /// an ED visit or a stay for a flare-up of the condition carries (nil: the generic acute tables are used).
  struct ConditionGroup: Sendable {
    var name: String
    var prevalence: [Double]
    var codes: [CatalogCode]
    var acute: String?
  }

  /// The chronic-condition table. Together the groups cover every Quan 2005 Charlson category at least once (and
  /// the tests check that by prefix), plus the common non-Charlson chronic codes of primary care.
  static let conditionGroups: [ConditionGroup] = [
    // name              18–44   45–64  65–79  80+     codes (weight, Charlson category)
    .init(name: "hypertension", prevalence: [0.08, 0.32, 0.55, 0.65], codes: [.init("I10", 92), .init("I11.9", 8)]),
    .init(
      name: "hyperlipidemia", prevalence: [0.07, 0.28, 0.42, 0.38],
      codes: [.init("E78.5", 70), .init("E78.00", 20), .init("E78.2", 10)]),
    .init(name: "obesity", prevalence: [0.14, 0.20, 0.16, 0.08], codes: [.init("E66.9", 70), .init("E66.01", 30)]),
    .init(name: "prediabetes", prevalence: [0.04, 0.08, 0.07, 0.04], codes: [.init("R73.03", 1)]),
    .init(
      name: "depression", prevalence: [0.08, 0.09, 0.08, 0.08],
      codes: [.init("F32.9", 45), .init("F32.A", 35), .init("F33.1", 20)]),
    .init(name: "anxiety", prevalence: [0.09, 0.08, 0.06, 0.05], codes: [.init("F41.1", 55), .init("F41.9", 45)]),
    .init(
      name: "osteoarthritis", prevalence: [0.01, 0.07, 0.16, 0.22],
      codes: [.init("M17.11", 30), .init("M17.12", 25), .init("M17.0", 25), .init("M19.90", 20)]),
    .init(name: "sleep apnea", prevalence: [0.02, 0.06, 0.08, 0.05], codes: [.init("G47.33", 1)]),
    .init(name: "reflux", prevalence: [0.05, 0.09, 0.11, 0.11], codes: [.init("K21.9", 1)]),
    .init(name: "hypothyroidism", prevalence: [0.03, 0.06, 0.11, 0.14], codes: [.init("E03.9", 1)]),
    .init(
      name: "chronic pain", prevalence: [0.04, 0.06, 0.06, 0.05], codes: [.init("M54.50", 60), .init("G89.29", 40)]),
    .init(name: "tobacco use", prevalence: [0.10, 0.10, 0.07, 0.03], codes: [.init("F17.210", 1)]),
    .init(
      name: "substance use", prevalence: [0.02, 0.02, 0.01, 0.003], codes: [.init("F10.20", 60), .init("F11.20", 40)]),
    .init(name: "osteoporosis", prevalence: [0, 0.03, 0.12, 0.20], codes: [.init("M81.0", 1, sex: "F")]),
    .init(name: "prostate hyperplasia", prevalence: [0, 0.05, 0.15, 0.22], codes: [.init("N40.1", 1, sex: "M")]),
    .init(
      name: "atrial fibrillation", prevalence: [0.001, 0.012, 0.06, 0.12],
      codes: [.init("I48.91", 55), .init("I48.0", 25), .init("I48.20", 20)], acute: "I48.91"),
    .init(
      name: "coronary disease", prevalence: [0.002, 0.04, 0.11, 0.16], codes: [.init("I25.10", 1)], acute: "R07.9"),
    // Charlson categories.
    .init(
      name: "myocardial infarction", prevalence: [0.001, 0.012, 0.035, 0.05],
      codes: [.init("I25.2", 80, .ami), .init("I21.4", 20, .ami)], acute: "I21.4"),
    .init(
      name: "heart failure", prevalence: [0.002, 0.012, 0.05, 0.11],
      codes: [
        .init("I50.9", 35, .chf), .init("I50.22", 15, .chf), .init("I50.32", 15, .chf), .init("I11.0", 15, .chf),
        .init("I13.0", 10, .chf), .init("I42.9", 10, .chf),
      ], acute: "I50.23"),
    .init(
      name: "peripheral vascular disease", prevalence: [0.001, 0.012, 0.05, 0.09],
      codes: [
        .init("I73.9", 50, .pvd), .init("I70.0", 25, .pvd), .init("I70.213", 15, .pvd), .init("Z95.820", 10, .pvd),
      ]
    ),
    .init(
      name: "cerebrovascular disease", prevalence: [0.002, 0.012, 0.045, 0.08],
      codes: [
        .init("G45.9", 25, .cevd), .init("I69.354", 20, .cevd), .init("I65.21", 25, .cevd), .init("I67.2", 20, .cevd),
        .init("I63.9", 10, .cevd),
      ], acute: "I63.9"),
    .init(
      name: "dementia", prevalence: [0, 0.002, 0.03, 0.14],
      codes: [
        .init("F03.90", 45, .dementia), .init("G30.9", 30, .dementia), .init("F01.50", 15, .dementia),
        .init("G31.1", 10, .dementia),
      ], acute: "R41.0"),
    .init(
      name: "asthma", prevalence: [0.07, 0.06, 0.05, 0.04],
      codes: [.init("J45.909", 50, .copd), .init("J45.20", 25, .copd), .init("J45.40", 25, .copd)], acute: "J45.901"),
    .init(
      name: "chronic obstructive pulmonary disease", prevalence: [0.002, 0.035, 0.09, 0.10],
      codes: [.init("J44.9", 70, .copd), .init("J44.1", 10, .copd), .init("J43.9", 20, .copd)], acute: "J44.1"),
    .init(
      name: "rheumatic disease", prevalence: [0.005, 0.014, 0.022, 0.025],
      codes: [
        .init("M06.9", 45, .rheumd), .init("M05.79", 20, .rheumd), .init("M35.3", 20, .rheumd),
        .init("M32.9", 10, .rheumd), .init("M34.9", 5, .rheumd),
      ]),
    .init(
      name: "peptic ulcer", prevalence: [0.002, 0.005, 0.010, 0.014],
      codes: [.init("K25.9", 40, .pud), .init("K26.9", 40, .pud), .init("K27.9", 20, .pud)], acute: "K92.2"),
    .init(
      name: "mild liver disease", prevalence: [0.008, 0.028, 0.028, 0.018],
      codes: [
        .init("K76.0", 55, .mld), .init("B18.2", 15, .mld), .init("K74.60", 15, .mld), .init("K70.30", 10, .mld),
        .init("Z94.4", 5, .mld),
      ]),
    // Diabetes is one group: E1x.{0,1,6,8,9} is uncomplicated (diab), E1x.{2,3,4,5,7} with complications (diabwc).
    .init(
      name: "diabetes", prevalence: [0.03, 0.12, 0.21, 0.20],
      codes: [
        .init("E11.9", 42, .diab), .init("E11.65", 14, .diab), .init("E11.69", 6, .diab), .init("E10.9", 4, .diab),
        .init("E11.22", 12, .diabwc), .init("E11.40", 8, .diabwc), .init("E11.319", 6, .diabwc),
        .init("E11.51", 4, .diabwc),
      ], acute: "E11.65"),
    .init(
      name: "hemiplegia or paraplegia", prevalence: [0.002, 0.003, 0.005, 0.007],
      codes: [.init("G81.91", 40, .hp), .init("G82.20", 25, .hp), .init("G80.1", 20, .hp), .init("G83.4", 15, .hp)]),
    .init(
      name: "chronic kidney disease", prevalence: [0.004, 0.035, 0.11, 0.20],
      codes: [
        .init("N18.30", 30, .rend), .init("N18.31", 15, .rend), .init("N18.32", 15, .rend), .init("N18.4", 18, .rend),
        .init("N18.5", 7, .rend), .init("N18.6", 8, .rend), .init("Z99.2", 7, .rend),
      ], acute: "N17.9"),
    .init(
      name: "cancer", prevalence: [0.004, 0.02, 0.05, 0.065],
      codes: [
        .init("C50.911", 25, .canc, sex: "F"), .init("C61", 25, .canc, sex: "M"), .init("C18.9", 12, .canc),
        .init("C34.90", 10, .canc), .init("C43.9", 8, .canc), .init("C67.9", 6, .canc), .init("C90.00", 5, .canc),
        .init("C85.90", 5, .canc), .init("C64.1", 4, .canc),
      ]),
    // A patient with metastases also gets a primary cancer (see `Profile`).
    .init(
      name: "metastatic cancer", prevalence: [0.0006, 0.004, 0.010, 0.012],
      codes: [
        .init("C78.00", 35, .metacanc), .init("C79.51", 30, .metacanc), .init("C78.7", 25, .metacanc),
        .init("C77.9", 10, .metacanc),
      ], acute: "R53.81"),
    .init(
      name: "severe liver disease", prevalence: [0.0008, 0.003, 0.004, 0.003],
      codes: [
        .init("K72.10", 30, .msld), .init("K76.6", 30, .msld), .init("I85.00", 25, .msld), .init("K70.40", 15, .msld),
      ],
      acute: "K72.90"),
    .init(name: "HIV disease", prevalence: [0.004, 0.005, 0.003, 0.001], codes: [.init("B20", 1, .aids)]),
  ]
}
