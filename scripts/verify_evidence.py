#!/usr/bin/env python3
"""Independent check of a Writ evidence pack (docs/audit-format.md, "Evidence packs") with the
Python standard library, `cryptography` and `rfc8785`, sharing no code with Writ: the manifest's
signature and hashes, the chain slice and its checkpoints, policy versions against the chain, and
each intent's warrant, approvals and tier (re-evaluated by the small policy evaluator below).

Usage: verify_evidence.py PACK.zip [JWKS.json]      exit 0 when valid, 1 listing every problem
"""
import base64, hashlib, json, re, sys, zipfile
from datetime import datetime

import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

b64 = lambda s: base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))
problems = []
pack = zipfile.ZipFile(sys.argv[1])
files = {name: pack.read(name) for name in pack.namelist()}
manifest = json.loads(files["manifest.json"])
jwks = json.loads(open(sys.argv[2]).read()) if len(sys.argv) > 2 else json.loads(files["jwks.json"])
keys = {k["kid"]: Ed25519PublicKey.from_public_bytes(b64(k["x"])) for k in jwks["keys"]}


def signed(compact, typ):
    """The payload of a compact JWS that a tenant key signed with `typ`, else None."""
    h, p, s = compact.split(".")
    header = json.loads(b64(h))
    try:
        keys[header["kid"]].verify(b64(s), f"{h}.{p}".encode())
    except (KeyError, InvalidSignature):
        return None
    return b64(p) if header.get("typ") == typ and header.get("alg") == "EdDSA" else None


if signed(files["manifest.jws"].decode(), "writ-evidence+jwt") != files["manifest.json"]:
    problems.append("manifest.jws: does not sign manifest.json with a tenant key")
for entry in manifest["files"]:
    if hashlib.sha256(files.get(entry["name"], b"")).hexdigest() != entry["sha256"]:
        problems.append(f"{entry['name']}: SHA-256 differs from the manifest")
lines = lambda name: [json.loads(line) for line in files.get(name, b"").splitlines() if line]

# The chain slice, linked to the previous hash, and its checkpoints.
prev, expected, hashes, submitted, changes = manifest["previous"]["hash"], manifest["first_seq"], {}, {}, {}
hashes[expected - 1] = prev
for raw in files["events.ndjson"].splitlines():
    event = json.loads(raw)
    if rfc8785.dumps(event) != raw or event["seq"] != expected or event["prev"] != prev:
        problems.append(f"events.ndjson: seq {expected} missing, out of order, unlinked or not canonical")
        break
    digest = event.pop("hash")
    if hashlib.sha256(rfc8785.dumps(event)).hexdigest() != digest:
        problems.append(f"events.ndjson: seq {expected} hash mismatch")
        break
    hashes[expected], prev, expected = digest, digest, expected + 1
    subject = event["subject"]["id"] if event.get("subject") else None
    if event["type"] == "intent.submitted":
        submitted[subject] = event["data"]
    if event["type"] == "policy.changed":
        changes[(subject, event["data"]["version"])] = event["data"]["document"]
if expected - 1 != manifest["last_seq"] and not any(p.startswith("events") for p in problems):
    problems.append(f"events.ndjson: ends at seq {expected - 1}, the manifest says {manifest['last_seq']}")
for checkpoint in lines("checkpoints.ndjson"):
    claims = signed(checkpoint["jws"], "writ-checkpoint+jwt")
    claims = json.loads(claims) if claims else None
    if not claims or hashes.get(claims["seq"], claims["hash"]) != claims["hash"]:
        problems.append(f"checkpoints.ndjson: checkpoint at seq {checkpoint['seq']} does not hold")

# Policies: each saved in the period is its chain event's document.
versions = {}
for line in lines("policies.ndjson"):
    versions[(line["policy_key"], line["version"])] = line
    if changes.get((line["policy_key"], line["version"]), line["document"]) != line["document"]:
        problems.append(f"policies.ndjson: policy {line['policy_key']} version {line['version']} differs from its chain event")

SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
RANK = {"T0": 0, "T1": 1, "T2": 2, "T3": 3, "deny": 4}


def glob(pattern, text):
    regex = "".join(".*" if part == "**" else "[^./]*" if part == "*" else re.escape(part) for part in re.split(r"(\*\*|\*)", pattern))
    return re.fullmatch(regex, text) is not None


def holds(condition, subject):
    value, actual = condition["value"], subject
    for key in condition["path"].split("."):
        actual = actual.get(key) if isinstance(actual, dict) else None
    op, number = condition["op"], lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)
    if op == "exists":
        return (actual is not None) == value
    if actual is None:
        return False
    if op in (">", ">=", "<", "<="):
        return number(actual) and {">": actual > value, ">=": actual >= value, "<": actual < value, "<=": actual <= value}[op]
    return {"==": actual == value, "!=": actual != value, "in": actual in value, "not_in": actual not in value,
            "contains": (value in actual) if isinstance(actual, (str, list)) else False,
            "starts_with": isinstance(actual, str) and actual.startswith(value),
            "ends_with": isinstance(actual, str) and actual.endswith(value)}[op]


def classify(document, intent):
    evaluation = intent.get("evaluation") or {}
    agent = evaluation.get("agent", {})
    subject = {"action": intent["action"], "resource": intent["resource"], "params": intent["params"], "team": intent["team_id"],
               "agent": {"id": intent["agent_id"], "name": agent.get("name"), "labels": agent.get("labels", {})}}
    for name in ("target", "justification"):
        if intent.get(name) is not None:
            subject[name] = intent[name]
    values = {"action": [intent["action"]], "resource": [intent["resource"]], "team": [intent["team_id"]],
              "agent": [v for v in (intent["agent_id"], agent.get("name")) if v]}
    counts = {(c["scope"], c["seconds"]): c["count"] for c in evaluation.get("rate_counts", [])}
    strictest = None
    for rule in document.get("rules", []):
        if not all(any(glob(p, v) for v in values[f]) for f, p in rule.get("match", {}).items()):
            continue
        if not all(holds(c, subject) for c in rule.get("when", [])):
            continue
        rate = rule.get("rate")
        if rate and counts.get((rate.get("scope", "agent"), int(rate["per"][:-1]) * SECONDS[rate["per"][-1]]), 0) < rate["max"]:
            continue
        effect = "deny" if rule.get("effect") == "deny" else rule["tier"]
        strictest = effect if strictest is None or RANK[effect] > RANK[strictest] else strictest
    return strictest or document.get("defaults", {}).get("tier", "T1")


def in_force(key, at):
    candidates = [(v, line) for (k, v), line in versions.items() if k == key and line["created_at"] <= at]
    return max(candidates, key=lambda c: c[0])[1]["document"] if candidates else None


for intent in lines("intents.ndjson"):
    where = f"intent {intent['id']}"
    chain = submitted.get(intent["id"])
    if chain and any(chain.get(k) != intent.get(k) for k in ("action", "resource", "outcome", "tier")):
        problems.append(f"{where}: differs from its intent.submitted event")
    warrant = intent.get("warrant")
    if warrant and warrant.get("token"):
        claims = signed(warrant["token"], "writ-warrant+jwt")
        digest = base64.urlsafe_b64encode(hashlib.sha256(rfc8785.dumps(
            {"action": intent["action"], "resource": intent["resource"], "params": intent["params"]})).digest()).rstrip(b"=").decode()
        if not claims or json.loads(claims)["action_digest"] != digest:
            problems.append(f"{where}: warrant signature or action_digest does not hold")
    approvers = [a["user_id"] for a in intent["approvals"] if a["decision"] == "approve"]
    if len(set(approvers)) != len(approvers) or set(approvers) & set(intent["excluded_approvers"]):
        problems.append(f"{where}: an approver counted twice or was excluded")
    if warrant and intent["tier"] != "T0" and intent["required_approvals"] is not None and len(approvers) != intent["required_approvals"]:
        problems.append(f"{where}: {len(approvers)} approvals, its tier required {intent['required_approvals']}")
    policy, tenant = intent["policy"], manifest["tenant"]
    team_doc = versions.get((policy["id"], policy["version"]), {}).get("document") if policy["id"] != tenant else None
    base_number = policy["version"] if policy["id"] == tenant else policy.get("base_version")
    base_doc = versions.get((tenant, base_number), {}).get("document") if base_number else in_force(tenant, intent["created_at"])
    document = base_doc or {}
    if team_doc is not None:
        document = {**{s: {**(base_doc or {}).get(s, {}), **team_doc.get(s, {})} for s in ("defaults", "board")},
                    "rules": [r for r in (base_doc or {}).get("rules", []) if r["id"] not in {t["id"] for t in team_doc.get("rules", [])}]
                    + team_doc.get("rules", [])}
    found = classify(document, intent)
    recorded = "deny" if intent["outcome"] == "deny" else intent["tier"]
    if found != recorded:
        problems.append(f"{where}: re-evaluated it is {found}, the record says {recorded}")

if "purged_before" in manifest and manifest["purged_before"] != manifest["first_seq"]:
    problems.append(f"manifest.json: purged before seq {manifest['purged_before']}, but the slice starts at {manifest['first_seq']}")

for problem in problems:
    print(f"invalid: {problem}", file=sys.stderr)
if problems:
    sys.exit(1)
purged = f" (purged before seq {manifest['purged_before']})" if "purged_before" in manifest else ""
print(f"valid: events {manifest['first_seq']}…{manifest['last_seq']}{purged}, {len(lines('intents.ndjson'))} intents re-evaluated independently")
