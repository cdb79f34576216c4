#!/usr/bin/env python3
"""Independent verifier of a Writ audit export (docs/audit-format.md), written against the
format alone: RFC 8785 via the `rfc8785` package, SHA-256 via hashlib, Ed25519 via `cryptography`.

Usage: verify_audit.py EXPORT.ndjson JWKS.json [FROM_SEQ PREVIOUS_HASH]
       -> exit 0 "valid: …", or 1 "invalid: seq N: …"
An export that does not start at seq 1 (from_seq, or events purged past retention) names where it
starts and the hash it links to in its Writ-Audit-From-Seq and Writ-Audit-Previous-Hash headers.
"""
import base64, hashlib, json, sys

import rfc8785
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


def b64url(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def verify(export_path, jwks_path, from_seq=1, previous_hash="0" * 64):
    keys = {k["kid"]: Ed25519PublicKey.from_public_bytes(b64url(k["x"]))
            for k in json.load(open(jwks_path))["keys"] if k.get("crv") == "Ed25519"}
    prev, expected, checkpoints = previous_hash, from_seq, 0
    for raw in open(export_path, "rb"):
        line = raw.rstrip(b"\n")
        event = json.loads(line)
        seq = event.get("seq")
        if rfc8785.dumps(event) != line:
            return f"invalid: seq {seq}: line is not canonical JSON"
        if seq != expected:
            return f"invalid: seq {expected}: missing or out of order (found {seq})"
        claimed = event.pop("hash")
        if event["prev"] != prev:
            return f"invalid: seq {seq}: prev does not link to the previous hash"
        if hashlib.sha256(rfc8785.dumps(event)).hexdigest() != claimed:
            return f"invalid: seq {seq}: hash does not match the content"
        if event["type"] == "audit.checkpoint":
            header, payload, signature = event["data"]["jws"].split(".")
            head = json.loads(b64url(header))
            assert head["alg"] == "EdDSA" and head["typ"] == "writ-checkpoint+jwt"
            keys[head["kid"]].verify(b64url(signature), f"{header}.{payload}".encode())  # raises if forged
            claims = json.loads(b64url(payload))
            if claims["seq"] != seq - 1 or claims["hash"] != prev or claims["tenant"] != event["tenant"]:
                return f"invalid: seq {seq}: checkpoint does not match seq {seq - 1}"
            checkpoints += 1
        prev, expected = claimed, seq + 1
    if expected == from_seq:
        return "invalid: the export holds no events"
    return f"valid: {expected - from_seq} events, seq {from_seq}…{expected - 1}, {checkpoints} checkpoints"


if __name__ == "__main__":
    try:
        start = (int(sys.argv[3]), sys.argv[4]) if len(sys.argv) == 5 else (1, "0" * 64)
        result = verify(sys.argv[1], sys.argv[2], *start)
    except Exception as error:  # a forged signature, a malformed line, a missing key
        result = f"invalid: {type(error).__name__}: {error}"
    print(result)
    sys.exit(0 if result.startswith("valid") else 1)
