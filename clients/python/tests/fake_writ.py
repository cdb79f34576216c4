"""Writ's intent routes in memory (an `httpx.MockTransport`), for the tests that need no server:
submissions with idempotency keys (a replay answers `Idempotent-Replayed: true`, another body
with the same key 422), reads, results, and failures on demand."""
from __future__ import annotations

import json
import uuid
from typing import Any

import httpx


class FakeWrit:
    def __init__(self, status: str = "approved") -> None:
        self.status = status  # what a new intent is: approved (T0), pending_approval or denied
        self.intents: dict[str, dict[str, Any]] = {}
        self.keys: dict[str, tuple[str, bytes]] = {}
        self.failing_results = 0  # how many result reports get no answer
        self.submissions: list[str] = []
        self.transport = httpx.MockTransport(self.handle)

    def handle(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if request.method == "POST" and path == "/v1/intents":
            key = request.headers["idempotency-key"]
            self.submissions.append(key)
            if key in self.keys:
                intent_id, body = self.keys[key]
                if json.loads(body) != json.loads(request.content):
                    return httpx.Response(422, json={"type": "urn:writ:problem:idempotency-key-reused", "title": "Reused"})
                return httpx.Response(201, json=self.intents[intent_id], headers={"Idempotent-Replayed": "true"})
            body = json.loads(request.content)
            intent_id = str(uuid.uuid4())
            self.intents[intent_id] = {"id": intent_id, "status": self.status, "tier": None if self.status == "denied" else "T0",
                                       "action": body["action"], "resource": body["resource"], "params": body["params"],
                                       "decision": {"outcome": "deny" if self.status == "denied" else "allow", "rules": []},
                                       "warrant": "w.x.y" if self.status == "approved" else None}
            self.keys[key] = (intent_id, request.content)
            return httpx.Response(201, json=self.intents[intent_id])
        if path.endswith("/result"):
            if self.failing_results > 0:
                self.failing_results -= 1
                raise httpx.ConnectError("connection refused", request=request)
            intent = self.intents[path.split("/")[3]]
            if intent["status"] != "approved":
                return httpx.Response(409, json={"title": "Conflict", "detail": f"the intent is {intent['status']}"})
            intent["status"] = json.loads(request.content)["status"]
            return httpx.Response(200, json=intent)
        if request.method == "GET" and path.startswith("/v1/intents/"):
            return httpx.Response(200, json={**self.intents[path.split("/")[3]], "decisions": []})
        return httpx.Response(404, json={"title": "Not found"})

    def approve(self, intent_id: str) -> None:
        self.intents[intent_id].update(status="approved", warrant="w.x.y")
