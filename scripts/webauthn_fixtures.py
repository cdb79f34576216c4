#!/usr/bin/env python3
"""Writes Tests/Fixtures/webauthn/soft-webauthn.json: one registration and three assertions made by
the software authenticator of the PyPI package soft-webauthn (0.1.4, on fido2 1.x), an ES256
credential with attestation "none" and a counter that increases by one per assertion. The last
assertion signs an approval challenge (docs/passkeys.md) from the worked example.

Usage: python3 -m venv /tmp/webauthn-venv && /tmp/webauthn-venv/bin/pip install 'fido2>=1.0,<2.0' soft-webauthn==0.1.4
       /tmp/webauthn-venv/bin/python scripts/webauthn_fixtures.py
"""
import json, os, pathlib

from soft_webauthn import SoftWebauthnDevice

RP_ID, ORIGIN = "writ.example", "https://writ.example"
# The approval challenge of docs/passkeys.md's worked example.
APPROVAL = bytes.fromhex("0be087f9356e44c1eddb602f97a2a29869dafed4dce8796c8cc6a47c2f519f63")

device = SoftWebauthnDevice()
challenge = os.urandom(32)
created = device.create({"publicKey": {
    "rp": {"id": RP_ID, "name": "Writ"}, "user": {"id": b"member-1", "name": "member"},
    "challenge": challenge, "pubKeyCredParams": [{"alg": -7, "type": "public-key"}], "attestation": "none",
}}, ORIGIN)
fixture = {
    "source": "soft-webauthn 0.1.4 (PyPI), scripts/webauthn_fixtures.py",
    "rp_id": RP_ID, "origin": ORIGIN,
    "registration": {
        "challenge": challenge.hex(), "credential_id": created["rawId"].hex(),
        "clientDataJSON": created["response"]["clientDataJSON"].hex(),
        "attestationObject": created["response"]["attestationObject"].hex(),
    },
    "assertions": [],
}
for challenge in [os.urandom(32), os.urandom(32), APPROVAL]:
    got = device.get({"publicKey": {"rpId": RP_ID, "challenge": challenge}}, ORIGIN)
    fixture["assertions"].append({
        "challenge": challenge.hex(), "sign_count": device.sign_count,
        "authenticatorData": got["response"]["authenticatorData"].hex(),
        "clientDataJSON": got["response"]["clientDataJSON"].hex(),
        "signature": got["response"]["signature"].hex(),
    })
path = pathlib.Path(__file__).resolve().parent.parent / "Tests/Fixtures/webauthn/soft-webauthn.json"
path.write_text(json.dumps(fixture, indent=2) + "\n")
print(f"wrote {path}")
