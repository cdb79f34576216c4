import ArgumentParser
import Foundation
import WritCore

/// `writ bench policy --rules 1000`: evaluation latency of the compiled policy engine.
struct BenchPolicy: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy", abstract: "Policy evaluation latency (median and p99) for a generated policy of N rules.")

    @Option(help: "Rules in the generated policy (the same rules scripts/bench.d/cedar_bench.py generates).")
    var rules = 100

    @Option(help: "Evaluations to time.")
    var evaluations = 20_000

    /// Rule i of the shared benchmark policy: namespace i % 100, every fourth rule a namespace glob.
    static func rule(_ index: Int) -> JSONValue {
        let namespace = index % 100
        let action = index % 4 == 0 ? "svc\(namespace).*" : "svc\(namespace).act\(index)"
        return [
            "id": .string("r\(index)"), "match": ["action": .string(action), "resource": "prod/*"],
            "when": [["path": "params.n", "op": ">", "value": .number(Double(index % 100))]],
            "tier": .string(["T1", "T2", "T3"][index % 3]),
        ]
    }

    func run() throws {
        let document: JSONValue = ["rules": .array((0..<rules).map(Self.rule))]
        let policy = CompiledPolicy(try PolicyParser.parse(document).get())
        var generator = SplitMix(state: 42)
        let inputs = (0..<1000).map { _ in
            PolicyInput(
                action: "svc\(Int.random(in: 0..<100, using: &generator)).act\(Int.random(in: 0..<max(rules, 1), using: &generator))",
                resource: "prod/web", params: ["n": .number(Double(Int.random(in: 0..<100, using: &generator)))], teamID: "team")
        }
        var matched = 0
        for input in inputs.prefix(200) where policy.evaluate(input).rules.first?.id != "default" { matched += 1 }
        var samples: [Double] = []
        samples.reserveCapacity(evaluations)
        let clock = ContinuousClock()
        for index in 0..<evaluations {
            let input = inputs[index % inputs.count]
            let start = clock.now
            let decision = policy.evaluate(input)
            let elapsed = clock.now - start
            if decision.rules.isEmpty { print("unexpected empty decision") }
            samples.append(Double(elapsed.components.attoseconds) / 1e12 + Double(elapsed.components.seconds) * 1e6)
        }
        samples.sort()
        let median = samples[samples.count / 2]
        let p99 = samples[samples.count * 99 / 100]
        print(
            String(
                format: "writ policy: rules=%d evaluations=%d median_us=%.2f p99_us=%.2f matched=%d/200", rules, evaluations, median, p99,
                matched))
    }
}

/// SplitMix64, so the benchmark's inputs are the same every run.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
