#!/usr/bin/env python3
"""Independent check of a Writ warrant with PyJWT and nothing but the tenant's JWK Set, and of
its action_digest with the rfc8785 package (CONTRACT §2).

Usage: verify_warrant.py ARTIFACT.json   where the artifact holds {warrant, jwks, audience, action, resource, params}
"""
import base64, hashlib, json, sys

import jwt
import rfc8785

artifact = json.load(open(sys.argv[1]))
token = artifact["warrant"]
header = jwt.get_unverified_header(token)
assert header["alg"] == "EdDSA" and header["typ"] == "writ-warrant+jwt", header
key = jwt.PyJWKSet.from_dict(artifact["jwks"])[header["kid"]]
claims = jwt.decode(token, key=key, algorithms=["EdDSA"], audience=artifact["audience"],
                    options={"require": ["iss", "sub", "aud", "jti", "iat", "nbf", "exp"]})
digest = base64.urlsafe_b64encode(hashlib.sha256(rfc8785.dumps(
    {"action": artifact["action"], "resource": artifact["resource"], "params": artifact["params"]})).digest()).rstrip(b"=").decode()
assert claims["action_digest"] == digest, (claims["action_digest"], digest)
assert claims["exp"] - claims["iat"] <= 3600 and len(base64.urlsafe_b64decode(claims["jti"] + "==")) >= 16
try:
    jwt.decode(token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB"), key=key, algorithms=["EdDSA"], audience=artifact["audience"])
    raise SystemExit("a tampered warrant verified")
except jwt.InvalidSignatureError:
    pass
print(f"valid warrant {claims['jti']} for {claims['aud']}, action_digest matches RFC 8785")
