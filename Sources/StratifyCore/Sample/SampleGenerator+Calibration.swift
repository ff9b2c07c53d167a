extension SampleGenerator {
  /// Scales that make the panel average `eventsPerPatient` utilization rows and 0.3 stays per patient whatever the
  /// mix of ages and conditions: measured once on a fixed reference panel (its own seed, so the scales do not
  /// depend on `--seed`) before any patient is written.
  struct Calibration: Sendable {
    static let staysPerPatient = 0.3
    static let referencePatients = 20_000
    static let referenceSeed: UInt64 = 0x5EED_CA11_B8A7_E000

    let stayScale: Double
    let utilizationScale: Double

    init(tables: Tables, options: SampleOptions) {
      let asOf = options.asOf
      var profiles: [Profile] = []
      var randoms: [Random] = []
      for index in 0..<Self.referencePatients {
        var random = Random(seed: Self.referenceSeed, stream: UInt64(index))
        profiles.append(makeProfile(index: index, random: &random, tables: tables, asOf: asOf))
        randoms.append(random)
      }
      let count = Double(Self.referencePatients)
      // Stays: scale by the mean weight, then correct for readmissions, deaths and stays cut by the window.
      let meanStayWeight = profiles.reduce(0) { $0 + stayWeight($1) } / count
      var stayScale = Self.staysPerPatient / meanStayWeight
      var drawn = randoms
      let firstStays = zip(profiles.indices, profiles).reduce(0) { total, item in
        total + makeStays(for: item.1, scale: stayScale, random: &drawn[item.0], tables: tables, asOf: asOf).count
      }
      stayScale *= Self.staysPerPatient * count / Double(max(1, firstStays))
      // Utilization: the routine events make up what the stays' own events (ED before admission, follow-ups)
      // leave of the target.
      drawn = randoms
      var stayEventCount = 0
      var scratch: [Event] = []
      for (index, patient) in profiles.enumerated() {
        let stays = makeStays(for: patient, scale: stayScale, random: &drawn[index], tables: tables, asOf: asOf)
        scratch.removeAll(keepingCapacity: true)
        stayEvents(
          for: patient, stays: stays, through: patient.deceasedDate ?? asOf, into: &scratch, random: &drawn[index],
          tables: tables)
        stayEventCount += scratch.count
      }
      let meanWeight = profiles.reduce(0) { $0 + utilizationWeight($1) * windowShare($1, asOf: asOf) } / count
      let routine = max(0, Double(options.eventsPerPatient) - Double(stayEventCount) / count)
      self.stayScale = stayScale
      utilizationScale = routine / meanWeight
    }
  }
}
