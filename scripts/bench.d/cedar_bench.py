#!/usr/bin/env python3
"""Cedar (cedarpy) evaluation latency for the same generated policy as `writ bench policy`.

Rule i: namespace i % 100; every fourth rule matches the whole namespace; resource prod/*;
params.n > i % 100; annotated with its tier. Policies are parsed once into a PolicySet.
Usage: cedar_bench.py RULES [EVALUATIONS]
"""
import random, sys, time

import cedarpy


def rule(index):
    namespace = index % 100
    action = f"svc{namespace}.*" if index % 4 == 0 else f"svc{namespace}.act{index}"
    tier = ["T1", "T2", "T3"][index % 3]
    return (f'@id("r{index}") @tier("{tier}")\n'
            f'permit(principal, action, resource) when {{ context.action like "{action}" && '
            f'context.resource like "prod/*" && context.params.n > {index % 100} }};')


def main():
    rules = int(sys.argv[1])
    evaluations = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
    policies = cedarpy.PolicySet.from_str("\n".join(rule(i) for i in range(rules)))
    entities = cedarpy.Entities.from_json_str("[]")
    generator = random.Random(42)
    requests = [{
        "principal": 'Agent::"a"', "action": 'Action::"submit"', "resource": 'Resource::"r"',
        "context": {"action": f"svc{generator.randrange(100)}.act{generator.randrange(max(rules, 1))}",
                    "resource": "prod/web", "params": {"n": generator.randrange(100)}},
    } for _ in range(1000)]
    samples = []
    for index in range(evaluations):
        request = requests[index % len(requests)]
        start = time.perf_counter_ns()
        cedarpy.is_authorized(request, policies, entities)
        samples.append((time.perf_counter_ns() - start) / 1000)
    samples.sort()
    print(f"cedar policy: rules={rules} evaluations={evaluations} "
          f"median_us={samples[len(samples) // 2]:.2f} p99_us={samples[len(samples) * 99 // 100]:.2f}")


if __name__ == "__main__":
    main()
