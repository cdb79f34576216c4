"""A "scale deployment" tool governed by Writ, from T0 to a board-approved T3.

    pip install ./clients/python
    WRIT_URL=http://127.0.0.1:8080 WRIT_API_KEY=writ_… python examples/scale_deployment.py

The agent's key needs the `intents` scope. With the team policy below, scaling staging to 10
replicas or fewer runs at once (T0), more waits for one operator (T1), and the tenant's starter
policy sends every scaling of `prod/…` to the board (T3: each board member gets a personal link
by mail; with `scripts/run` the mail is under `.writ/mail`).

    {"defaults": {"tier": "T1"},
     "rules": [{"id": "scale-small", "match": {"action": "k8s.deployment.scale"},
                "when": [{"path": "params.replicas", "op": "<=", "value": 10}], "tier": "T0"}]}
"""
import os
import sys

from writ import Writ, WritError, governed


def make_scale(client: Writ, timeout: float = 900.0):
    """The tool, governed: it runs only once Writ issued a warrant for exactly this call."""

    @governed(client=client, action="k8s.deployment.scale", resource=lambda environment, name, replicas: f"{environment}/{name}",
              timeout=timeout, justification="capacity for the launch")
    def scale(environment: str, name: str, replicas: int) -> str:
        # A real executor would call the Kubernetes API here. One that runs apart from the agent checks
        # the warrant itself, pinned to its own tenant (never the token's): `Writ(url, executor_key)
        # .verify_warrant(...)`, then `.redeem(jti)`, which alone sees a revocation (clients/python/README.md).
        return f"{environment}/{name} scaled to {replicas} replicas"

    return scale


def main() -> int:
    client = Writ(os.environ.get("WRIT_URL", "http://127.0.0.1:8080"), os.environ["WRIT_API_KEY"])
    scale = make_scale(client)
    for environment, name, replicas in [("staging", "web", 3), ("staging", "web", 20), ("prod", "web", 80)]:
        print(f"asking to scale {environment}/{name} to {replicas} …", flush=True)
        try:
            print("  done:", scale(environment, name, replicas))
        except WritError as error:  # denied, rejected, expired, still pending, or a problem answer
            print("  not run:", error)
    return 0


if __name__ == "__main__":
    sys.exit(main())
