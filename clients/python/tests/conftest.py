"""A live Writ for the tests: `scripts/sdk_test.py` starts one and names it in the environment
(WRIT_TEST_NODE, WRIT_TEST_MAIL, WRIT_TEST_ISSUER). Each test gets an organisation of its own
(`org`), and a second one (`other_org`, a tenant signed up on the same node) when it asks."""
from __future__ import annotations

import glob
import os
import re
import time
import uuid
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

POLICY = {
    "defaults": {"tier": "T1", "approval_timeout": "1h"},
    "rules": [
        {"id": "reads", "match": {"action": "**.read"}, "tier": "T0"},
        {"id": "scale-small", "match": {"action": "k8s.deployment.scale"}, "when": [{"path": "params.replicas", "op": "<=", "value": 10}], "tier": "T0"},
        {"id": "scale-big", "match": {"action": "k8s.deployment.scale"}, "when": [{"path": "params.replicas", "op": ">", "value": 10}], "tier": "T1"},
        {"id": "no-drops", "match": {"action": "db.drop"}, "effect": "deny"},
    ],
}


@dataclass
class Person:
    http: httpx.Client
    csrf: str
    user_id: str

    def call(self, method: str, path: str, body: Any = None) -> httpx.Response:
        return self.http.request(method, path, json=body, headers={"X-CSRF-Token": self.csrf})


@dataclass
class Org:
    node: str
    issuer: str
    tenant: str
    admin: Person
    operator: Person
    agent_key: str
    executor_key: str
    agent_id: str = ""
    agent_name: str = ""
    signing_secret: str = ""
    team_id: str = ""
    operator_email: str = ""


def _mailed_token(mail: str, address: str) -> str:
    for _ in range(200):
        for path in glob.glob(os.path.join(mail, "*.eml")):
            text = open(path, encoding="utf-8", newline="").read()
            if f"\r\nTo: {address}\r\n" in text and "X-Writ-Kind: member.invitation" in text:
                return re.search(r"/invite#(\S+)", text).group(1)
        time.sleep(0.05)
    raise AssertionError(f"no invitation mailed to {address}")


def _person(node: str, response: httpx.Response, http: httpx.Client) -> Person:
    assert response.status_code in (200, 201), response.text
    body = response.json()
    return Person(http=http, csrf=body["csrf_token"], user_id=body["user"]["id"])


@pytest.fixture
def org() -> Org:
    return sign_up()


@pytest.fixture
def other_org() -> Org:
    """Another tenant on the same node, as anyone who signs up gets one."""
    return sign_up()


def sign_up() -> Org:
    node, mail = os.environ["WRIT_TEST_NODE"], os.environ["WRIT_TEST_MAIL"]
    # Each organisation signs up from an address of its own (the node trusts X-Forwarded-For):
    # sign-ups are throttled per client address, and every test makes one.
    address = {"X-Forwarded-For": f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250 + 1}"}
    admin_http = httpx.Client(base_url=node, timeout=30, headers=address)
    suffix = uuid.uuid4().hex[:8]
    admin = _person(node, admin_http.post("/v1/signup", json={
        "organization": f"SDK {suffix}", "email": f"admin-{suffix}@example.com", "password": "correct horse battery"}), admin_http)
    tenant = admin_http.get("/v1/me").json()["tenant"]["id"]
    team = admin.call("POST", "/v1/teams", {"name": f"Platform {suffix}"}).json()["id"]
    assert admin.call("PUT", f"/v1/teams/{team}/policy?comment=sdk+tests", POLICY).status_code in (200, 201)
    agent = admin.call("POST", "/v1/agents", {"name": "deployer", "team_id": team}).json()["id"]
    created_key = admin.call("POST", "/v1/api-keys", {"name": "agent", "agent_id": agent, "scopes": ["intents"]}).json()
    agent_key = created_key["key"]
    executor_key = admin.call("POST", "/v1/api-keys", {"name": "executor", "scopes": ["warrants"], "audiences": ["k8s", "s3"]}).json()["key"]
    email = f"operator-{suffix}@example.com"
    assert admin.call("POST", "/v1/members", {"email": email, "roles": ["operator"], "teams": [team]}).status_code == 201
    operator_http = httpx.Client(base_url=node, timeout=30, headers=address)
    operator = _person(node, operator_http.post("/v1/invitations/accept", json={
        "token": _mailed_token(mail, email), "password": "operator password 1"}), operator_http)
    return Org(node=node, issuer=os.environ.get("WRIT_TEST_ISSUER", node), tenant=tenant, admin=admin, operator=operator,
               agent_key=agent_key, executor_key=executor_key, agent_id=agent, agent_name="deployer",
               signing_secret=created_key["signing_secret"], team_id=team, operator_email=email)
