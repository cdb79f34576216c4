/// A CBOR data item (RFC 8949) of the kinds WebAuthn uses: integers, byte and text strings,
/// arrays, maps, booleans and null. No tags, floats or `undefined`.
public enum CBORValue: Sendable, Hashable {
    /// An unsigned integer (major type 0).
    case unsigned(UInt64)
    /// A negative integer (major type 1): the value is `-1 - n`.
    case negative(UInt64)
    /// A byte string (major type 2).
    case bytes([UInt8])
    /// A UTF-8 text string (major type 3).
    case text(String)
    /// An array (major type 4).
    case array([CBORValue])
    /// A map (major type 5); keys are unique.
    case map([CBORValue: CBORValue])
    /// `false` or `true` (simple values 20 and 21).
    case bool(Bool)
    /// `null` (simple value 22).
    case null

    /// The integer, if this is one that fits in an `Int64`.
    public var integerValue: Int64? {
        switch self {
        case .unsigned(let value): Int64(exactly: value)
        case .negative(let value): value <= UInt64(Int64.max) ? -1 - Int64(value) : nil
        default: nil
        }
    }

    /// The bytes, if this is a byte string.
    public var bytesValue: [UInt8]? {
        if case .bytes(let value) = self { return value }
        return nil
    }

    /// The text, if this is a text string.
    public var textValue: String? {
        if case .text(let value) = self { return value }
        return nil
    }

    /// The entries, if this is a map.
    public var mapValue: [CBORValue: CBORValue]? {
        if case .map(let entries) = self { return entries }
        return nil
    }

    /// The CBOR value of an integer: unsigned when it is at least zero, negative otherwise.
    public static func integer(_ value: Int64) -> CBORValue {
        value >= 0 ? .unsigned(UInt64(value)) : .negative(UInt64(-1 - value))
    }

    /// The entry of a map under an integer key (COSE labels), or `nil`.
    public subscript(label: Int64) -> CBORValue? { mapValue?[.integer(label)] }

    /// The entry of a map under a text key, or `nil`.
    public subscript(key: String) -> CBORValue? { mapValue?[.text(key)] }
}
