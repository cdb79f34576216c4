import Foundation
import WritCore
import WritStore

/// JSON shapes of identity resources in responses.
enum IdentityJSON {
    static func id(_ id: UUID) -> JSONValue { .string(id.uuidString.lowercased()) }
    static func id(_ id: UUID?) -> JSONValue { id.map { .string($0.uuidString.lowercased()) } ?? .null }
    static func time(_ date: Date?) -> JSONValue { date.map { .string(Timestamp.format($0)) } ?? .null }

    static func tenant(_ tenant: Tenant) -> JSONValue {
        ["id": id(tenant.id), "name": .string(tenant.name), "plan": .string(tenant.plan)]
    }

    static func member(_ member: Member) -> JSONValue {
        [
            "id": id(member.id), "email": .string(member.email), "status": .string(member.status.rawValue),
            "roles": .array(member.roles.map { .string($0.rawValue) }), "teams": .array(member.teams.map(id)),
            "totp_enabled": .bool(member.totpEnabled), "created_at": time(member.createdAt),
        ]
    }

    static func team(_ team: Team) -> JSONValue {
        ["id": id(team.id), "name": .string(team.name), "created_at": time(team.createdAt)]
    }

    static func agent(_ agent: Agent) -> JSONValue {
        [
            "id": id(agent.id), "name": .string(agent.name), "team_id": id(agent.teamID), "owner_id": id(agent.ownerID),
            "labels": .object(agent.labels.mapValues(JSONValue.string)), "disabled": .bool(agent.disabled),
            "created_at": time(agent.createdAt), "last_seen_at": time(agent.lastSeenAt),
        ]
    }

    static func apiKey(_ key: APIKey) -> JSONValue {
        [
            "id": id(key.id), "name": .string(key.name), "prefix": .string(key.prefix), "agent_id": id(key.agentID),
            "scopes": .array(key.scopes.map { .string($0.rawValue) }), "audiences": .array(key.audiences.map(JSONValue.string)),
            "expires_at": time(key.expiresAt),
            "revoked_at": time(key.revokedAt), "last_used_at": time(key.lastUsedAt), "created_at": time(key.createdAt),
        ]
    }

    static func page<Item>(_ page: Page<Item>, _ encode: (Item) -> JSONValue) -> JSONValue {
        ["items": .array(page.items.map(encode)), "next_cursor": page.nextCursor.map(JSONValue.string) ?? .null]
    }
}
