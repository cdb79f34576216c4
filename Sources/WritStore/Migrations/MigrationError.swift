/// Why migrations could not be loaded or applied. The description names the file at fault.
public struct MigrationError: Error, CustomStringConvertible, Sendable, Equatable {
    private enum Kind: Sendable, Equatable {
        case directoryUnreadable(String)
        case noMigrations(String)
        case badFileName(String)
        case duplicateVersion(String, String)
        case checksumMismatch(String)
        case unknownApplied(Int, String)
        case failed(String, String)
    }

    private let kind: Kind

    static func directoryUnreadable(_ path: String) -> MigrationError { .init(kind: .directoryUnreadable(path)) }
    static func noMigrations(_ path: String) -> MigrationError { .init(kind: .noMigrations(path)) }
    static func badFileName(_ name: String) -> MigrationError { .init(kind: .badFileName(name)) }
    static func duplicateVersion(_ first: String, _ second: String) -> MigrationError { .init(kind: .duplicateVersion(first, second)) }
    static func checksumMismatch(_ name: String) -> MigrationError { .init(kind: .checksumMismatch(name)) }
    static func unknownApplied(_ version: Int, _ name: String) -> MigrationError { .init(kind: .unknownApplied(version, name)) }
    static func failed(_ name: String, _ reason: String) -> MigrationError { .init(kind: .failed(name, reason)) }

    /// Whether an already-applied file was changed afterwards.
    public var isChecksumMismatch: Bool {
        if case .checksumMismatch = kind { return true }
        return false
    }

    public var description: String {
        switch kind {
        case .directoryUnreadable(let path): "cannot read migrations from \(path)"
        case .noMigrations(let path): "no NNNN_name.sql migrations in \(path)"
        case .badFileName(let name): "migration file \(name) is not named NNNN_name.sql"
        case .duplicateVersion(let first, let second): "migrations \(first) and \(second) share a number"
        case .checksumMismatch(let name):
            "migration \(name) was changed after it was applied; restore it and add a new migration instead"
        case .unknownApplied(let version, let name):
            "the database has migration \(version) (\(name)) that this build does not know; run a newer Writ"
        case .failed(let name, let reason): "migration \(name) failed: \(reason)"
        }
    }
}
