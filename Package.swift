// swift-tools-version: 6.0
import PackageDescription

let package = Package(
  name: "stratify",
  platforms: [.macOS(.v13)],
  products: [
    .executable(name: "stratify", targets: ["stratify"]),
    .library(name: "StratifyCore", targets: ["StratifyCore"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
    .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
    .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.0.0"),
  ],
  targets: [
    .systemLibrary(
      name: "CLibCSV",
      pkgConfig: nil,
      providers: [.apt(["libcsv-dev"])]
    ),
    // The system OpenSSL 3 libcrypto, for the SHA-256 input fingerprint (SHA256.swift).
    .systemLibrary(
      name: "CLibCrypto",
      pkgConfig: nil,
      providers: [.apt(["libssl-dev"])]
    ),
    .target(
      name: "StratifyCore",
      dependencies: [
        "CLibCSV",
        "CLibCrypto",
        .product(name: "Logging", package: "swift-log"),
        .product(name: "Collections", package: "swift-collections"),
        .product(name: "Yams", package: "Yams"),
        .product(name: "GRDB", package: "GRDB.swift"),
        // The SQLite C API that GRDB already links, for the bulk insert of patient scores (HistoryStore).
        .product(name: "GRDBSQLite", package: "GRDB.swift"),
        .product(name: "Mustache", package: "swift-mustache"),
      ],
      // HTML templates (swift-mustache) that an organization can restyle; every number is computed in Swift.
      resources: [.copy("Templates")]
    ),
    .executableTarget(
      name: "stratify",
      dependencies: [
        "StratifyCore",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "Logging", package: "swift-log"),
      ]
    ),
    .testTarget(name: "StratifyCoreTests", dependencies: ["StratifyCore"]),
    .testTarget(name: "StratifyCLITests", dependencies: ["StratifyCore", "stratify"]),
  ]
)
