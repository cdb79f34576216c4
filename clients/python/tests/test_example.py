"""examples/scale_deployment.py end to end: T0 at once, T1 by an operator, T3 by the board's mailed link."""
from __future__ import annotations

import glob
import importlib.util
import os
import pathlib
import re
import threading
import time
import uuid

import httpx

from writ import Writ

from .conftest import _mailed_token, _person

EXAMPLE = pathlib.Path(__file__).resolve().parents[3] / "examples" / "scale_deployment.py"


def load_example():
    spec = importlib.util.spec_from_file_location("scale_deployment", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def board_link(mail: str, address: str) -> str:
    for _ in range(200):
        for path in glob.glob(os.path.join(mail, "*.eml")):
            text = open(path, encoding="utf-8", newline="").read()
            if f"\r\nTo: {address}\r\n" in text and "X-Writ-Kind: board.approval_link" in text:
                return re.search(r"/approve#(\S+)", text).group(1)
        time.sleep(0.05)
    raise AssertionError(f"no board link mailed to {address}")


def test_the_example_governs_scaling_from_t0_to_a_board_approved_t3(org):
    mail = os.environ["WRIT_TEST_MAIL"]
    email = f"board-{uuid.uuid4().hex[:8]}@example.com"
    assert org.admin.call("POST", "/v1/members", {"email": email, "roles": ["board"]}).status_code == 201
    board_http = httpx.Client(base_url=org.node, timeout=30, headers={"X-Forwarded-For": "10.250.0.1"})
    _person(org.node, board_http.post("/v1/invitations/accept", json={"token": _mailed_token(mail, email), "password": "board password 12"}),
            board_http)

    def decide_as_people() -> None:
        decided: set[str] = set()
        deadline = time.monotonic() + 60
        while len(decided) < 2 and time.monotonic() < deadline:
            for intent in org.admin.call("GET", "/v1/intents?status=pending_approval").json()["items"]:
                if intent["id"] in decided:
                    continue
                if intent["tier"] == "T1":
                    response = org.operator.call("POST", f"/v1/intents/{intent['id']}/decisions", {"decision": "approve"})
                else:
                    response = httpx.post(f"{org.node}/v1/approval-links/decide",
                                          json={"token": board_link(mail, email), "decision": "approve", "comment": "go"})
                assert response.status_code == 200, response.text
                decided.add(intent["id"])
            time.sleep(0.3)

    people = threading.Thread(target=decide_as_people)
    people.start()
    with Writ(org.node, org.agent_key) as client:
        scale = load_example().make_scale(client, timeout=60)
        assert scale("staging", "web", 3) == "staging/web scaled to 3 replicas"
        assert scale("staging", "web", 20) == "staging/web scaled to 20 replicas"
        assert scale("prod", "web", 80) == "prod/web scaled to 80 replicas"
    people.join()
    done = org.admin.call("GET", "/v1/intents?limit=10").json()["items"]
    assert sorted((item["tier"], item["status"]) for item in done) == [("T0", "executed"), ("T1", "executed"), ("T3", "executed")]
