import WritCore

/// An intent as Vienna OS's routes (`/api/v1/…`) answer it.
struct ViennaIntentBody: Decodable {
    let intentID: String
    let status: String

    private enum CodingKeys: String, CodingKey {
        case status
        case intentID = "intent_id"
    }
}

/// `/healthz` and `/readyz`.
struct HealthBody: Decodable {
    let status: String
}

/// `openapi.json`, as far as the tests read it: each path's operations and parameters stay JSON.
struct OpenAPIDocumentBody: Decodable {
    let openapi: String
    /// By path, then by method (or `parameters`).
    let paths: [String: [String: JSONValue]]
}
