import Foundation
import Testing

/// The modules import only downwards (docs/architecture.md): the HTTP layer reaches the database
/// only through WritStore, the domain imports no storage or HTTP, and SQL lives in WritStore.
@Suite("Module layering")
struct LayeringTests {
    static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources")

    /// Each module and the modules of this project it must not import.
    static let forbidden: [String: [String]] = [
        "Postgres": ["WritCrypto", "WritCore", "WritStore", "WritAPI"],
        "WritCrypto": ["Postgres", "WritCore", "WritStore", "WritAPI"],
        "WritCore": ["Postgres", "WritStore", "WritAPI"],
        "WritStore": ["WritAPI"],
        "WritAPI": ["Postgres", "CLibPQ", "CArgon2"],
        "WritBench": ["Postgres", "WritAPI", "CLibPQ", "COpenSSL", "CArgon2"],
        "writ": ["Postgres", "CLibPQ", "COpenSSL", "CArgon2"],
    ]

    /// Each C module and the only modules that may import it: the Swift wrapper over its library
    /// (and WritAPI's SMTP client, which speaks TLS through OpenSSL; and Postgres, which asks
    /// OpenSSL whether libpq's TLS session holds bytes already read from the socket).
    static let cModuleImporters: [String: Set<String>] = [
        "CLibPQ": ["Postgres"],
        "CArgon2": ["WritCrypto"],
        "COpenSSL": ["WritCrypto", "WritAPI", "Postgres"],
    ]

    @Test("no module imports a layer above it, and WritAPI neither imports Postgres nor sends SQL", arguments: forbidden.keys.sorted())
    func imports(module: String) throws {
        let directory = Self.sources.appendingPathComponent(module)
        let files = try #require(FileManager.default.enumerator(atPath: directory.path)).compactMap { $0 as? String }.filter {
            $0.hasSuffix(".swift")
        }
        #expect(!files.isEmpty)
        for file in files {
            let text = try String(contentsOfFile: directory.appendingPathComponent(file).path, encoding: .utf8)
            for line in text.split(separator: "\n") where line.hasPrefix("import ") || line.hasPrefix("@testable import ") {
                let imported = String(line.split(separator: " ").last ?? "")
                #expect(!(Self.forbidden[module] ?? []).contains(imported), "\(module)/\(file) imports \(imported)")
            }
            if module == "WritAPI" {
                #expect(!text.contains(".execute(\""), "\(module)/\(file) sends SQL")
                #expect(!text.contains("withTenant("), "\(module)/\(file) opens a database transaction")
            }
        }
    }

    @Test("each C library is imported only by the module that wraps it", arguments: cModuleImporters.keys.sorted())
    func cModules(module: String) throws {
        let modules = try FileManager.default.contentsOfDirectory(atPath: Self.sources.path)
        #expect(modules.contains(module), "Sources/\(module) exists")
        var importers: Set<String> = []
        for owner in modules {
            let directory = Self.sources.appendingPathComponent(owner)
            let files =
                FileManager.default.enumerator(atPath: directory.path)?.compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") } ?? []
            for file in files {
                let text = try String(contentsOfFile: directory.appendingPathComponent(file).path, encoding: .utf8)
                if text.split(separator: "\n").contains(where: { $0 == "import \(module)" }) { importers.insert(owner) }
            }
        }
        #expect(!importers.isEmpty)
        #expect(importers.isSubset(of: Self.cModuleImporters[module] ?? []), "\(module) is imported by \(importers.sorted())")
    }
}
