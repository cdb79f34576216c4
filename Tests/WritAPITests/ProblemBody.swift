/// An RFC 9457 problem as the server sends it for every error (`application/problem+json`).
struct ProblemBody: Decodable {
    /// One invalid input, located by JSON pointer (or by query parameter name).
    struct FieldError: Decodable {
        let path: String
        let message: String
    }

    let type: String
    let title: String
    let status: Int
    let detail: String
    /// Each invalid input, for validation problems only.
    let errors: [FieldError]?
    /// Vienna OS's copy of `detail`, on `/api/v1/…` routes only.
    let error: String?
    /// Vienna OS's kind of problem (`INVALID_REQUEST`, …), on `/api/v1/…` routes only.
    let code: String?
}
