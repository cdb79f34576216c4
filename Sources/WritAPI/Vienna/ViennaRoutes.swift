import Hummingbird
import WritStore

/// Vienna OS compatibility: the routes its published Python SDKs (`vienna-sdk`, `vienna-os`) call,
/// under `/api/v1/…`, mapped onto Writ's own model; Writ's `/v1` routes are untouched.
/// docs/vienna-compatibility.md has the mapping and its limits.
enum ViennaRoutes {
    static let prefix = "/api/v1/"

    static func add(to router: Router<AppRequestContext>, services: AppServices) {
        let filing = services.filing
        ViennaIntentsController(
            filing: filing, approvals: services.approvals, warrants: services.warrants,
            simulator: ViennaSimulator(cache: services.policyCache, history: services.intentHistory, work: services.policyWork)
        ).addRoutes(to: router)
        ViennaApprovalsController(
            intents: services.intents, approvals: services.approvals, warrants: services.warrants, identity: services.identity,
            waiters: services.waiters
        ).addRoutes(to: router)
        ViennaAgentsController(
            identity: services.identity, policyCache: services.policyCache, reader: services.auditReader
        ).addRoutes(to: router)
    }
}
