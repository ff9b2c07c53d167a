/// The version printed by `stratify --version` and recorded in every manifest.
public enum StratifyVersion {
  public static let current = "0.1.0"
}
