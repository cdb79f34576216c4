import WritCore
import WritStore

/// The long-lived collaborators the routes share, built once per node.
public struct AppServices: Sendable {
    public let database: Database
    public let migrations: [Migration]
    public let metrics: AppMetrics
    let identity: IdentityStore
    let signingKeys: SigningKeys
    let audit: AuditLog
    let auditReader: AuditReader
    let throttle: AuthThrottle
    let keyCache: APIKeyCache
    let rateLimiter = RateLimiter()
    let policies: PolicyStore
    let policyCache: PolicyCache
    let intentHistory: IntentHistory
    let intents: IntentStore
    let warrants: WarrantStore
    let approvals: ApprovalStore
    let boardLinks: BoardLinks
    let webhooks: WebhookStore
    let evidence: EvidencePackWriter
    let waiters = IntentWaiters()
    /// The one path that files intents (`/v1`, `/api/v1`, AuthZEN).
    let filing: IntentFiling
    let eventStreams = EventStreamHub()
    /// Argon2 on its bounded CPU lane.
    let passwords = PasswordHashing()
    /// The keys derived from the master key, once.
    let keys: KeyRing
    /// Policy simulation and backtest evaluation on their bounded CPU lane.
    let policyWork = CPUWork(purpose: "policy simulation")
    /// Server-side audit verification on its bounded CPU lane.
    let auditWork = CPUWork(purpose: "audit verification")

    public init(configuration: WritConfiguration, keys: KeyRing, database: Database, migrations: [Migration]) {
        self.keys = keys
        self.database = database
        self.migrations = migrations
        self.metrics = AppMetrics()
        self.signingKeys = SigningKeys(keys: keys)
        self.audit = AuditLog(signingKeys: signingKeys)
        self.auditReader = AuditReader(database: database)
        self.identity = IdentityStore(database: database, keys: keys, signingKeys: signingKeys)
        self.throttle = AuthThrottle(database: database, keys: keys)
        self.keyCache = APIKeyCache(store: identity, keys: keys)
        self.policies = PolicyStore(database: database, audit: audit)
        self.policyCache = PolicyCache(store: policies)
        self.intentHistory = IntentHistory(database: database)
        self.intents = IntentStore(
            database: database, audit: audit, signingKeys: signingKeys,
            issuer: configuration.publicURL.absoluteString.trimmingSuffix("/"), keys: keys)
        self.warrants = WarrantStore(database: database, audit: audit)
        self.approvals = ApprovalStore(intents: intents)
        self.boardLinks = BoardLinks(database: database, keys: keys, approvals: approvals)
        self.webhooks = WebhookStore(database: database, keys: keys, signingKeys: signingKeys)
        self.evidence = EvidencePackWriter(database: database, keys: keys, signingKeys: signingKeys)
        self.filing = IntentFiling(intents: intents, identity: identity, policyCache: policyCache, waiters: waiters)
    }
}
