/// A QR code (ISO/IEC 18004) in byte mode at error-correction level M, versions 1–40.
///
/// Built after Project Nayuki's reference QR generator: function patterns, Reed–Solomon blocks,
/// zig-zag placement and the mask with the lowest penalty.
public struct QRCode: Sendable {
    /// Why a payload could not be encoded.
    public struct TooLong: Error, Sendable {}

    /// The version (1…40); the symbol is `17 + 4 × version` modules wide.
    public let version: Int
    /// Modules per side.
    public let size: Int
    /// The mask pattern applied (0…7).
    public internal(set) var mask = 0
    var modules: [[Bool]]
    var isFunction: [[Bool]]

    /// Encodes `data` in the smallest version that holds it.
    public init(encoding data: [UInt8]) throws {
        guard let version = (1...40).first(where: { Self.dataCapacity(version: $0) * 8 >= Self.bitLength(data.count, version: $0) })
        else { throw TooLong() }
        self.version = version
        self.size = version * 4 + 17
        modules = Array(repeating: Array(repeating: false, count: size), count: size)
        isFunction = modules
        drawFunctionPatterns()
        drawCodewords(addErrorCorrection(to: dataCodewords(data)))
        chooseMask()
    }

    /// Whether the module at column `x`, row `y` is dark.
    public func isDark(x: Int, y: Int) -> Bool { modules[y][x] }

    /// An SVG image with a four-module quiet zone, one path of dark squares.
    public func svg(moduleSize: Int = 4) -> String {
        let extent = size + 8
        var path = ""
        for y in 0..<size { for x in 0..<size where modules[y][x] { path += "M\(x + 4),\(y + 4)h1v1h-1z" } }
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(extent * moduleSize)\" height=\"\(extent * moduleSize)\" "
            + "viewBox=\"0 0 \(extent) \(extent)\" shape-rendering=\"crispEdges\"><rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>"
            + "<path d=\"\(path)\" fill=\"#000\"/></svg>"
    }

    // Level M: error-correction codewords per block, and blocks, by version.
    static let eccPerBlock = [
        0, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26, 26, 28, 28, 28,
        28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28,
    ]
    static let blockCount = [
        0, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16, 17, 17, 18, 20, 21, 23, 25,
        26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49,
    ]

    static func rawDataModules(version: Int) -> Int {
        var result = (16 * version + 128) * version + 64
        if version >= 2 {
            let alignments = version / 7 + 2
            result -= (25 * alignments - 10) * alignments - 55
            if version >= 7 { result -= 36 }
        }
        return result
    }

    static func dataCapacity(version: Int) -> Int {
        rawDataModules(version: version) / 8 - eccPerBlock[version] * blockCount[version]
    }

    static func bitLength(_ count: Int, version: Int) -> Int {
        4 + (version < 10 ? 8 : 16) + count * 8
    }
}
