import Foundation
import Hummingbird
import WritCore

/// JSON responses written from ``JSONValue`` in canonical form.
enum JSONBody {
    /// A `200`-style response carrying `value` as JSON.
    static func response(_ value: JSONValue, status: HTTPResponse.Status = .ok, contentType: String = "application/json") -> Response {
        Response(
            status: status, headers: [.contentType: contentType],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: CanonicalJSON.bytes(value))))
    }
}
