/// A SQL statement whose interpolated values become `$n` bind parameters.
///
/// ```swift
/// let sql: SQL = "SELECT id FROM tenants WHERE name = \(name) AND plan = \(plan)"
/// // text: "SELECT id FROM tenants WHERE name = $1 AND plan = $2", binds: [name, plan]
/// ```
/// Raw text can only be spliced in through ``StringInterpolation/appendInterpolation(unsafeSQL:)``.
public struct SQL: Sendable, ExpressibleByStringInterpolation, CustomStringConvertible {
    /// The statement text with `$n` placeholders.
    public private(set) var text: String
    /// The bind values in text format; `nil` is SQL NULL.
    public private(set) var binds: [String?]

    public init(stringLiteral value: String) {
        self.text = value
        self.binds = []
    }

    public init(stringInterpolation: StringInterpolation) {
        self.text = stringInterpolation.text
        self.binds = stringInterpolation.binds
    }

    /// Raw SQL with no binds. Only for text the program itself wrote, such as migration files.
    public init(unsafeSQL text: String) {
        self.text = text
        self.binds = []
    }

    /// Appends another statement fragment, renumbering its placeholders.
    public mutating func append(_ other: SQL) {
        var interpolation = StringInterpolation(literalCapacity: 0, interpolationCount: 0)
        interpolation.text = text
        interpolation.binds = binds
        interpolation.appendInterpolation(other)
        text = interpolation.text
        binds = interpolation.binds
    }

    /// The statement text only: binds are never printed.
    public var description: String { text }

    /// Builds the statement text and its binds.
    public struct StringInterpolation: StringInterpolationProtocol, Sendable {
        fileprivate var text = ""
        fileprivate var binds: [String?] = []

        public init(literalCapacity: Int, interpolationCount: Int) {
            text.reserveCapacity(literalCapacity + interpolationCount * 3)
        }

        public mutating func appendLiteral(_ literal: String) {
            text += literal
        }

        /// A value, sent as a bind parameter.
        public mutating func appendInterpolation(_ value: some PostgresEncodable) {
            binds.append(value.postgresText)
            text += "$\(binds.count)"
        }

        /// An optional value; `nil` is sent as NULL.
        public mutating func appendInterpolation(_ value: (some PostgresEncodable)?) {
            binds.append(value?.postgresText)
            text += "$\(binds.count)"
        }

        /// A nested fragment; its placeholders are renumbered after the ones already here.
        public mutating func appendInterpolation(_ fragment: SQL) {
            let offset = binds.count
            binds.append(contentsOf: fragment.binds)
            text += offset == 0 ? fragment.text : Self.renumber(fragment.text, by: offset)
        }

        /// Raw SQL text, spliced verbatim. Never pass data that came from a request.
        public mutating func appendInterpolation(unsafeSQL raw: String) {
            text += raw
        }

        private static func renumber(_ text: String, by offset: Int) -> String {
            var result = ""
            var index = text.startIndex
            while index < text.endIndex {
                let character = text[index]
                index = text.index(after: index)
                guard character == "$" else {
                    result.append(character)
                    continue
                }
                var digits = ""
                while index < text.endIndex, let digit = text[index].wholeNumberValue, text[index].isASCII {
                    digits.append(String(digit))
                    index = text.index(after: index)
                }
                if let number = Int(digits) { result += "$\(number + offset)" } else { result += "$" + digits }
            }
            return result
        }
    }
}
