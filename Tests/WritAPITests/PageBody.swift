/// One page of a list (`items` and the cursor of the next page, `null` on the last).
struct PageBody<Item: Decodable>: Decodable {
    let items: [Item]
    let nextCursor: String?

    private enum CodingKeys: String, CodingKey {
        case items
        case nextCursor = "next_cursor"
    }
}

/// The approval queue: a page of intents with the version a long-poll waits on.
struct ApprovalQueueBody: Decodable {
    let items: [IntentBody]
    let version: String
}
