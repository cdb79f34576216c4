import Foundation
import Testing
import WritCore

@Suite("QR codes", .timeLimit(.minutes(3)))
struct QRCodeTests {
    /// Writes the symbol as a PBM image (4 pixels per module, quiet zone) for an independent decoder.
    private func pbm(_ code: QRCode, scale: Int = 4) -> String {
        let extent = (code.size + 8) * scale
        var lines = ["P1", "\(extent) \(extent)"]
        for row in 0..<extent {
            let y = row / scale - 4
            lines.append(
                (0..<extent).map { column in
                    let x = column / scale - 4
                    return (0..<code.size).contains(x) && (0..<code.size).contains(y) && code.isDark(x: x, y: y) ? "1" : "0"
                }.joined(separator: " "))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    @Test(
        "zbarimg decodes what the encoder wrote, across versions",
        arguments: [
            "otpauth://totp/Writ:ada@example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Writ&algorithm=SHA1&digits=6&period=30",
            "W",
            String(repeating: "0123456789abcdef", count: 20),
        ])
    func independentDecoderReadsIt(payload: String) throws {
        let code = try QRCode(encoding: Array(payload.utf8))
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("qr-\(UUID().uuidString).pbm")
        try pbm(code).write(to: file, atomically: true, encoding: .ascii)
        defer { try? FileManager.default.removeItem(at: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/zbarimg")
        process.arguments = ["--quiet", "--raw", file.path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        process.waitUntilExit()
        let decoded = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 0)
        #expect(decoded.trimmingCharacters(in: .newlines) == payload)
    }

    @Test("the smallest version that fits is chosen and the SVG has the quiet zone")
    func versionAndSVG() throws {
        #expect(try QRCode(encoding: Array("W".utf8)).version == 1)
        #expect(try QRCode(encoding: [UInt8](repeating: 65, count: 14)).version == 1)
        #expect(try QRCode(encoding: [UInt8](repeating: 65, count: 15)).version == 2)
        let code = try QRCode(encoding: Array("hello".utf8))
        let svg = code.svg()
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(svg.contains("viewBox=\"0 0 29 29\""))
        #expect(throws: QRCode.TooLong.self) { try QRCode(encoding: [UInt8](repeating: 0, count: 3000)) }
    }
}
