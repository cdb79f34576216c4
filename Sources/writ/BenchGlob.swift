import ArgumentParser
import Foundation
import WritCore

/// `writ bench glob`: the cost of the most expensive glob a policy may hold, on the longest action
/// an intent may carry, and that the security review's pathological pattern is refused.
struct BenchGlob: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "glob", abstract: "Worst-case glob matching: four ** against a 256-character action that almost matches.")

    @Option(help: "Matches to time.")
    var matches = 20_000

    func run() throws {
        let review = "**a**a**a**a**b"
        let refused: String
        switch Glob.parse(review) {
        case .success: refused = "accepted"
        case .failure(let error): refused = "refused (\(error.reason))"
        }
        let worst = try Glob.parse("**a**a**a**ab").get()
        let text = String(repeating: "a", count: 256)
        let clock = ContinuousClock()
        var samples: [Double] = []
        samples.reserveCapacity(matches)
        var matched = 0
        for _ in 0..<matches {
            let start = clock.now
            if worst.matches(text) { matched += 1 }
            let elapsed = clock.now - start
            samples.append(Double(elapsed.components.attoseconds) / 1e12 + Double(elapsed.components.seconds) * 1e6)
        }
        samples.sort()
        print(
            String(
                format:
                    "writ glob: review pattern %@; worst allowed pattern on 256 chars: median_us=%.2f p99_us=%.2f max_us=%.2f matched=%d",
                refused, samples[samples.count / 2], samples[samples.count * 99 / 100], samples[samples.count - 1], matched))
    }
}
