import Foundation
import WritCrypto

/// One numbered SQL file from `sql/`.
public struct Migration: Sendable, Equatable {
    /// The number in the file name, e.g. 2 for `0002_tenants.sql`.
    public let version: Int
    /// The file name, e.g. `0002_tenants.sql`.
    public let fileName: String
    /// The file's SQL text.
    public let sql: String
    /// Lowercase hex SHA-256 of the file's bytes.
    public let checksum: String

    public init(version: Int, fileName: String, sql: String) {
        self.version = version
        self.fileName = fileName
        self.sql = sql
        self.checksum = SHA256.hexHash(Array(sql.utf8))
    }

    /// Reads every `NNNN_name.sql` file in `directory`, ordered by number.
    public static func load(from directory: URL) throws -> [Migration] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            throw MigrationError.directoryUnreadable(directory.path)
        }
        var migrations: [Migration] = []
        for name in names.sorted() where name.hasSuffix(".sql") {
            let parts = name.split(separator: "_", maxSplits: 1)
            guard parts.count == 2, parts[0].count == 4, let version = Int(parts[0]), version > 0 else {
                throw MigrationError.badFileName(name)
            }
            if let previous = migrations.last, previous.version == version {
                throw MigrationError.duplicateVersion(previous.fileName, name)
            }
            guard let data = FileManager.default.contents(atPath: directory.appendingPathComponent(name).path),
                let sql = String(data: data, encoding: .utf8)
            else { throw MigrationError.directoryUnreadable(name) }
            migrations.append(Migration(version: version, fileName: name, sql: sql))
        }
        guard !migrations.isEmpty else { throw MigrationError.noMigrations(directory.path) }
        return migrations
    }
}
