import Foundation
import Postgres
import WritCore

/// Decoding of identity rows, shared by the stores.
extension PostgresRow {
    /// A `text[]` column in PostgreSQL's array text form, for arrays of simple words.
    func words(_ column: String) throws -> [String] {
        let text = try decode(String.self, column)
        let inner = text.dropFirst().dropLast()
        return inner.isEmpty ? [] : inner.split(separator: ",").map { String($0).trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
    }

    /// A `uuid[]` column.
    func uuids(_ column: String) throws -> [UUID] {
        try words(column).compactMap(UUID.init(uuidString:))
    }

    /// A `uuid[]` column whose every element must parse.
    func strictUUIDs(_ column: String) throws -> [UUID] {
        try words(column).map { word in
            guard let id = UUID(uuidString: word) else { throw StoreError.corrupt(column) }
            return id
        }
    }

    /// A column holding one case of `Value`; anything else is a corrupt row, never a default.
    func decodeCase<Value: RawRepresentable>(_ type: Value.Type, _ column: String) throws -> Value where Value.RawValue == String {
        let text = try decode(String.self, column)
        guard let value = Value(rawValue: text) else { throw StoreError.corrupt("\(column) \(text)") }
        return value
    }

    /// A nullable column holding one case of `Value`.
    func decodeCase<Value: RawRepresentable>(_ type: Value?.Type, _ column: String) throws -> Value? where Value.RawValue == String {
        guard let text = try decode(String?.self, column) else { return nil }
        guard let value = Value(rawValue: text) else { throw StoreError.corrupt("\(column) \(text)") }
        return value
    }

    /// A `text[]` column of cases of `Value`, each of which must parse.
    func decodeCases<Value: RawRepresentable>(_ type: Value.Type, _ column: String) throws -> [Value] where Value.RawValue == String {
        try words(column).map { word in
            guard let value = Value(rawValue: word) else { throw StoreError.corrupt("\(column) \(word)") }
            return value
        }
    }

    func member() throws -> Member {
        Member(
            id: try decode(UUID.self, "id"), tenantID: try decode(UUID.self, "tenant_id"),
            email: try decode(String.self, "email"),
            roles: try decodeCases(Role.self, "roles").sorted(),
            status: try decodeCase(Member.Status.self, "status"),
            teams: try uuids("teams"), totpEnabled: try decode(Bool.self, "totp_enabled"),
            createdAt: try decode(Date.self, "created_at"))
    }

    func team() throws -> Team {
        Team(id: try decode(UUID.self, "id"), name: try decode(String.self, "name"), createdAt: try decode(Date.self, "created_at"))
    }

    func agent() throws -> Agent {
        let labelsText = try decode(String.self, "labels")
        var labels: [String: String] = [:]
        if case .object(let members) = try JSONParser.parse(labelsText) {
            for (key, value) in members { if case .string(let text) = value { labels[key] = text } }
        }
        return Agent(
            id: try decode(UUID.self, "id"), teamID: try decode(UUID.self, "team_id"), name: try decode(String.self, "name"),
            ownerID: try decode(UUID?.self, "owner_id"), labels: labels, disabled: try decode(Bool.self, "disabled"),
            createdAt: try decode(Date.self, "created_at"), lastSeenAt: try decode(Date?.self, "last_seen_at"))
    }

    func apiKey() throws -> APIKey {
        APIKey(
            id: try decode(UUID.self, "id"), name: try decode(String.self, "name"), prefix: try decode(String.self, "prefix"),
            agentID: try decode(UUID?.self, "agent_id"), scopes: try words("scopes").compactMap(Scope.init(rawValue:)).sorted(),
            audiences: try words("audiences"), expiresAt: try decode(Date?.self, "expires_at"),
            revokedAt: try decode(Date?.self, "revoked_at"),
            lastUsedAt: try decode(Date?.self, "last_used_at"), createdAt: try decode(Date.self, "created_at"))
    }
}
