import WritCore

/// Arbitrary JSON in a response (an audit event's `data`, a free-form object, whether a member is
/// present or `null`), decoded into WritCore's `JSONValue` rather than `Any`.
extension JSONValue: Decodable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    /// The number, if this is an integer.
    var intValue: Int? { numberValue.flatMap { Int(exactly: $0) } }
}
