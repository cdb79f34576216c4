/// The rows a statement returned, materialized in text format.
public struct PostgresRows: Sendable, RandomAccessCollection {
    /// Column names in result order.
    public let columns: [String]
    /// Number of rows the statement affected (`INSERT`/`UPDATE`/`DELETE`), or returned.
    public let affectedRows: Int
    let values: [[String?]]
    let columnIndex: [String: Int]

    init(columns: [String], values: [[String?]], affectedRows: Int) {
        self.columns = columns
        self.values = values
        self.affectedRows = affectedRows
        var index: [String: Int] = [:]
        for (position, name) in columns.enumerated() where index[name] == nil { index[name] = position }
        self.columnIndex = index
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { values.count }
    public subscript(position: Int) -> PostgresRow { PostgresRow(rows: self, index: position) }
}

/// One result row; columns are read by name or position and decoded into Swift types.
public struct PostgresRow: Sendable {
    let rows: PostgresRows
    let index: Int

    /// The raw text of a column, `nil` for NULL.
    public func text(_ column: String) throws -> String? {
        rows.values[index][try position(of: column)]
    }

    /// Decodes a non-NULL column.
    public func decode<Value: PostgresDecodable>(_ type: Value.Type = Value.self, _ column: String) throws -> Value {
        try decode(type, at: position(of: column))
    }

    /// Decodes a column that may be NULL.
    public func decode<Value: PostgresDecodable>(_ type: Value?.Type, _ column: String) throws -> Value? {
        let position = try position(of: column)
        guard rows.values[index][position] != nil else { return nil }
        return try decode(Value.self, at: position)
    }

    /// Decodes the non-NULL column at a position.
    public func decode<Value: PostgresDecodable>(_ type: Value.Type = Value.self, at position: Int) throws -> Value {
        guard position < rows.columns.count else { throw PostgresError.decoding("no column at position \(position)") }
        let name = rows.columns[position]
        guard let text = rows.values[index][position] else {
            throw PostgresError.decoding("column \(name) is NULL, expected \(Value.self)")
        }
        guard let value = Value(postgresText: text) else {
            throw PostgresError.decoding("column \(name) is not a valid \(Value.self)")
        }
        return value
    }

    private func position(of column: String) throws -> Int {
        guard let position = rows.columnIndex[column] else { throw PostgresError.decoding("no column named \(column)") }
        return position
    }
}
