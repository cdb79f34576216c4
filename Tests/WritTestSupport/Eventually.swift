/// Waits for something a test can observe to come true — a row present, a message received, a
/// notice heard: polls `condition` every `interval` until it holds (true) or `timeout` passes
/// (false). A loaded machine then only makes a test slower, never wrong. To show that something
/// did *not* happen, wait for a later positive signal that would have come after it (a marker
/// notice sent afterwards, the next row), never for a stretch of time.
public func eventually(
    timeout: Duration = .seconds(10), every interval: Duration = .milliseconds(50),
    isolation: isolated (any Actor)? = #isolation, _ condition: () async throws -> Bool
) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while true {
        if try await condition() { return true }
        if ContinuousClock.now >= deadline { return false }
        try await Task.sleep(for: interval)
    }
}
