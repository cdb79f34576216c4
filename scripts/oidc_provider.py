#!/usr/bin/env python3
"""A real OpenID provider for Writ's single sign-on tests, built on Authlib's authorization server.

Authorization code flow with PKCE (S256, required), `nonce`, `iss` in the authorization response
(RFC 9207), RS256 ID tokens with a `kid`, discovery and JWKS. There is no login page: whoever the
test names (POST /_test/next-user) is the person who signs in next, and consent is implied.

The test can also make the provider misbehave for the next flow only (POST /_test/fault), so that
Writ's refusals are exercised against the tokens a real library produces:
  wrong-iss-param   the authorization response names another issuer
  wrong-iss         the ID token's `iss` is another issuer
  wrong-aud         the ID token is for another client
  wrong-nonce       the ID token carries a nonce the client did not send
  bad-signature     the ID token's signature is flipped
  unknown-key       the ID token is signed with a key the JWKS does not (yet) list
  expired           the ID token expired an hour ago
POST /_test/rotate adds a new signing key (listed in the JWKS) and signs with it from then on.

Usage: oidc_provider.py PORT CLIENT_ID CLIENT_SECRET REDIRECT_URI [REDIRECT_URI ...]
Prints "ready <issuer>" once it serves.
"""

import base64
import json
import secrets
import sys
import threading
import time

from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import grants
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oauth2.rfc9207 import IssuerParameter
from authlib.oidc.core import UserInfo
from authlib.oidc.core.grants import OpenIDCode
from flask import Flask, jsonify, request
from joserfc import jwt
from joserfc.jwk import RSAKey
from werkzeug.serving import make_server

port, client_id, client_secret, *redirect_uris = sys.argv[1], sys.argv[2], sys.argv[3], *sys.argv[4:]
issuer = f"http://127.0.0.1:{port}"
lock = threading.Lock()
state = {
    "keys": [RSAKey.generate_key(2048, parameters={"kid": "k1", "use": "sig", "alg": "RS256"}, private=True)],
    "user": {"sub": "person-1", "email": "person@example.com", "email_verified": True},
    "fault": None,
    "codes": {},
    "nonces": set(),
}


class Client:
    """The one registered client: confidential, code flow only."""

    def get_client_id(self):
        return client_id

    def get_default_redirect_uri(self):
        return redirect_uris[0]

    def get_allowed_scope(self, scope):
        return " ".join(s for s in scope.split() if s in ("openid", "email", "profile"))

    def check_redirect_uri(self, redirect_uri):
        return redirect_uri in redirect_uris

    def check_client_secret(self, secret):
        return secrets.compare_digest(secret, client_secret)

    def check_endpoint_auth_method(self, method, endpoint):
        return endpoint != "token" or method in ("client_secret_basic", "client_secret_post")

    def check_response_type(self, response_type):
        return response_type == "code"

    def check_grant_type(self, grant_type):
        return grant_type == "authorization_code"


CLIENT = Client()


class Code:
    """An authorization code, used once."""

    def __init__(self, code, req, user):
        self.code, self.user = code, user
        self.redirect_uri = req.payload.redirect_uri
        self.scope = req.payload.scope
        self.nonce = req.payload.data.get("nonce")
        self.challenge = req.payload.data.get("code_challenge")
        self.challenge_method = req.payload.data.get("code_challenge_method")
        self.created = time.time()

    def get_redirect_uri(self):
        return self.redirect_uri

    def get_scope(self):
        return self.scope

    def get_nonce(self):
        return self.nonce

    def get_auth_time(self):
        return int(self.created)

    def get_acr(self):
        return None

    def get_amr(self):
        return None

    def is_expired(self):
        return time.time() - self.created > 60


class CodeGrant(grants.AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]

    def save_authorization_code(self, code, req):
        with lock:
            state["codes"][code] = Code(code, req, req.user)
            if state["codes"][code].nonce:
                state["nonces"].add(state["codes"][code].nonce)

    def query_authorization_code(self, code, client):
        with lock:
            found = state["codes"].get(code)
        return found if found and not found.is_expired() else None

    def delete_authorization_code(self, authorization_code):
        # Deleted before the token is issued: a replayed code is refused (invalid_grant).
        with lock:
            state["codes"].pop(authorization_code.code, None)

    def authenticate_user(self, authorization_code):
        return authorization_code.user


class Challenge(CodeChallenge):
    def get_authorization_code_challenge(self, authorization_code):
        return authorization_code.challenge

    def get_authorization_code_challenge_method(self, authorization_code):
        return authorization_code.challenge_method


class IDToken(OpenIDCode):
    def exists_nonce(self, nonce, req):
        with lock:
            return nonce in state["nonces"]

    def resolve_client_private_key(self, client):
        with lock:
            return state["keys"][-1]

    def get_encode_header(self, client):
        with lock:
            return {"alg": "RS256", "kid": state["keys"][-1].kid}

    def get_client_claims(self, client):
        return {"iss": issuer, "aud": [client.get_client_id()]}

    def generate_user_info(self, user, scope):
        return UserInfo(sub=user["sub"], email=user["email"], email_verified=user["email_verified"])


class Issuer(IssuerParameter):
    def get_issuer(self):
        return issuer


app = Flask(__name__)
server = AuthorizationServer(app, query_client=lambda cid: CLIENT if cid == client_id else None, save_token=lambda t, r: None)
server.register_grant(CodeGrant, [IDToken(require_nonce=True), Challenge(required=True)])
server.register_extension(Issuer())


def take_fault():
    with lock:
        fault, state["fault"] = state["fault"], None
    return fault


@app.get("/.well-known/openid-configuration")
def discovery():
    return jsonify(
        issuer=issuer,
        authorization_endpoint=f"{issuer}/authorize",
        token_endpoint=f"{issuer}/token",
        jwks_uri=f"{issuer}/jwks",
        response_types_supported=["code"],
        subject_types_supported=["public"],
        id_token_signing_alg_values_supported=["RS256"],
        code_challenge_methods_supported=["S256"],
        token_endpoint_auth_methods_supported=["client_secret_basic", "client_secret_post"],
        scopes_supported=["openid", "email", "profile"],
        authorization_response_iss_parameter_supported=True,
    )


@app.get("/jwks")
def jwks():
    with lock:
        keys = [key.as_dict(private=False) for key in state["keys"] if key.kid != "unlisted"]
    return jsonify(keys=keys)


@app.get("/authorize")
def authorize():
    with lock:
        user = dict(state["user"])
    response = server.create_authorization_response(grant_user=user)
    with lock:
        fault = state["fault"]
    if fault == "wrong-iss-param" and response.location:
        take_fault()
        response.location = response.location.replace(
            "iss=" + requests_quote(issuer), "iss=" + requests_quote("http://127.0.0.1:1/other")
        )
    return response


def requests_quote(text):
    from urllib.parse import quote

    return quote(text, safe="")


@app.post("/token")
def token():
    response = server.create_token_response()
    fault = take_fault()
    if fault is None or response.status_code != 200:
        return response
    body = json.loads(response.get_data())
    body["id_token"] = misbehave(body["id_token"], fault)
    response.set_data(json.dumps(body))
    return response


def misbehave(id_token, fault):
    """The same ID token with one thing wrong, signed as the fault says."""
    header_part = json.loads(base64.urlsafe_b64decode(id_token.split(".")[0] + "=="))
    claims = json.loads(base64.urlsafe_b64decode(id_token.split(".")[1] + "=="))
    with lock:
        key = state["keys"][-1]
    if fault == "wrong-iss":
        claims["iss"] = "http://127.0.0.1:1/other"
    elif fault == "wrong-aud":
        claims["aud"] = ["another-client"]
    elif fault == "wrong-nonce":
        claims["nonce"] = secrets.token_urlsafe(16)
    elif fault == "expired":
        claims["iat"], claims["exp"] = int(time.time()) - 7200, int(time.time()) - 3600
    elif fault == "unknown-key":
        key = RSAKey.generate_key(2048, parameters={"kid": "unlisted", "use": "sig", "alg": "RS256"}, private=True)
    signed = jwt.encode({"alg": "RS256", "kid": key.kid if fault == "unknown-key" else header_part["kid"]}, claims, key)
    if fault == "bad-signature":
        head, body, signature = signed.split(".")
        raw = bytearray(base64.urlsafe_b64decode(signature + "=="))
        raw[0] ^= 0x01
        signed = ".".join([head, body, base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode()])
    return signed


@app.post("/_test/next-user")
def next_user():
    body = request.get_json(force=True)
    with lock:
        state["user"] = {"sub": body["sub"], "email": body["email"], "email_verified": bool(body.get("email_verified", True))}
    return jsonify(ok=True)


@app.post("/_test/fault")
def set_fault():
    fault = request.get_json(force=True).get("fault")
    known = {"wrong-iss-param", "wrong-iss", "wrong-aud", "wrong-nonce", "bad-signature", "unknown-key", "expired", None}
    if fault not in known:
        return jsonify(error=f"unknown fault {fault}"), 400
    with lock:
        state["fault"] = fault
    return jsonify(ok=True)


@app.post("/_test/rotate")
def rotate():
    with lock:
        kid = f"k{len(state['keys']) + 1}"
        state["keys"].append(RSAKey.generate_key(2048, parameters={"kid": kid, "use": "sig", "alg": "RS256"}, private=True))
    return jsonify(kid=kid)


if __name__ == "__main__":
    app.config["OAUTH2_ERROR_URIS"] = []
    http = make_server("127.0.0.1", int(port), app, threaded=True)
    print(f"ready {issuer}", flush=True)
    http.serve_forever()
