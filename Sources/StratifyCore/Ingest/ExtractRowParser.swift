/// Turns the data records of one extract into accepted rows; a record it cannot accept throws a `FieldProblem`.
protocol ExtractRowParser {
  /// Parses (and keeps) one data record whose field count already matches the header.
  mutating func parse(_ row: RowReader) throws
}
