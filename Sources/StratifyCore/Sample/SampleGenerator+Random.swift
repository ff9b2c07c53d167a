import Foundation

extension SampleGenerator {
  /// xoshiro256** (Blackman & Vigna, 2018), seeded through SplitMix64: fast, statistically sound, and fully
  /// determined by `(seed, stream)`. Each patient draws from its own stream (its index), so the data of a patient
  /// never depends on thread timing or on how the panel is cut into chunks.
  struct Random {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64

    init(seed: UInt64, stream: UInt64) {
      var seedMixer = SplitMix64(state: seed)
      var streamMixer = SplitMix64(state: ~stream)
      var mixer = SplitMix64(state: seedMixer.next() ^ streamMixer.next())
      s0 = mixer.next()
      s1 = mixer.next()
      s2 = mixer.next()
      s3 = mixer.next()
    }

    @inline(__always) mutating func next() -> UInt64 {
      let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
      let t = s1 << 17
      s2 ^= s0
      s3 ^= s1
      s1 ^= s2
      s0 ^= s3
      s2 ^= t
      s3 = s3 << 45 | s3 >> 19
      return result
    }

    /// Uniform in [0, 1).
    @inline(__always) mutating func uniform() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// True with probability `p`.
    @inline(__always) mutating func chance(_ p: Double) -> Bool { uniform() < p }

    /// Uniform in 0..<n (n ≥ 1), by the multiply-high method.
    @inline(__always) mutating func int(below n: Int) -> Int {
      Int(truncatingIfNeeded: next().multipliedFullWidth(by: UInt64(n)).high)
    }

    /// Uniform in the closed range.
    @inline(__always) mutating func int(in range: ClosedRange<Int>) -> Int {
      range.lowerBound + int(below: range.count)
    }

    /// Standard normal (Box–Muller).
    mutating func normal() -> Double {
      let u1 = 1 - uniform()
      let u2 = uniform()
      return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    /// Gamma with the given shape and mean 1 (Marsaglia & Tsang, 2000): the mixing law that turns a Poisson count
    /// into a negative binomial, i.e. over-dispersed like real utilization.
    mutating func gamma(shape: Double) -> Double {
      if shape < 1 { return gamma(shape: shape + 1) * pow(1 - uniform(), 1 / shape) }
      let d = shape - 1.0 / 3
      let c = 1 / (9 * d).squareRoot()
      while true {
        var x: Double
        var v: Double
        repeat {
          x = normal()
          v = 1 + c * x
        } while v <= 0
        v = v * v * v
        let u = 1 - uniform()
        if log(u) < 0.5 * x * x + d - d * v + d * log(v) { return d * v / shape }
      }
    }

    /// Poisson count with mean `lambda`: Knuth's product method when small, a rounded normal when large.
    mutating func poisson(_ lambda: Double) -> Int {
      guard lambda > 0 else { return 0 }
      if lambda < 30 {
        let limit = exp(-lambda)
        var product = uniform()
        var k = 0
        while product > limit {
          k += 1
          product *= uniform()
        }
        return k
      }
      return max(0, Int((lambda + lambda.squareRoot() * normal()).rounded()))
    }

    /// An index drawn with the given cumulative weights (ascending, last = total).
    @inline(__always) mutating func pick(cumulative: [Double]) -> Int {
      let target = uniform() * cumulative[cumulative.count - 1]
      var i = 0
      while i < cumulative.count - 1, cumulative[i] <= target { i += 1 }
      return i
    }
  }

  /// Cumulative sums of weights, for `Random.pick(cumulative:)`.
  static func cumulative(_ weights: [Double]) -> [Double] {
    var total = 0.0
    return weights.map {
      total += $0
      return total
    }
  }

  /// SplitMix64 (Steele, Lea & Flood, 2014): turns a seed into well-mixed words to seed xoshiro.
  struct SplitMix64 {
    var state: UInt64

    mutating func next() -> UInt64 {
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
  }
}
