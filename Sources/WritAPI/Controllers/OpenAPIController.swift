import Hummingbird
import WritCore

/// `/openapi.json`: the OpenAPI 3.1 description of every route.
struct OpenAPIController {
    let document: JSONValue

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/openapi.json") { _, _ in
            JSONBody.response(document)
        }
    }
}
