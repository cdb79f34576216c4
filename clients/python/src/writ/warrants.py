"""Offline warrant verification against the tenant's JWK Set, with `action_digest` recomputed."""
from __future__ import annotations

import base64
import hashlib
import threading
import time
from typing import Any, Callable, Optional

import jwt
import rfc8785

from .errors import WarrantInvalid

TYPE = "writ-warrant+jwt"


def action_digest(action: str, resource: str, params: Optional[dict[str, Any]]) -> str:
    """base64url (no padding) of SHA-256 over the RFC 8785 bytes of {action, resource, params}."""
    canonical = rfc8785.dumps({"action": action, "resource": resource, "params": dict(params or {})})
    return base64.urlsafe_b64encode(hashlib.sha256(canonical).digest()).rstrip(b"=").decode()


class WarrantVerifier:
    """Verifies warrants of one Writ server. Key sets are cached per tenant and fetched again only
    for a `kid` they do not hold (a rotation), at most every `refresh_interval` seconds."""

    def __init__(self, base_url: str, *, issuer: Optional[str] = None, fetch: Optional[Callable[[str], dict[str, Any]]] = None,
                 refresh_interval: float = 30.0):
        self.base_url = base_url.rstrip("/")
        self.issuer = (issuer or self.base_url).rstrip("/")
        self._fetch = fetch or _fetch_json
        self._refresh_interval = refresh_interval
        self._sets: dict[str, tuple[float, jwt.PyJWKSet]] = {}
        self._lock = threading.Lock()

    def verify(self, token: str, *, action: str, resource: str, params: Optional[dict[str, Any]] = None, audience: str,
               tenant: Optional[str] = None, leeway: float = 5.0) -> dict[str, Any]:
        """The warrant's claims if it is signed by the tenant's key, current, for `audience`, from
        this server, and for exactly this action, resource and params; `WarrantInvalid` otherwise."""
        try:
            header = jwt.get_unverified_header(token)
            unverified = jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError as error:
            raise WarrantInvalid(f"not a warrant: {error}") from error
        if header.get("typ") != TYPE or header.get("alg") != "EdDSA":
            raise WarrantInvalid("not a Writ warrant (typ/alg)")
        claimed = str(unverified.get("tenant", ""))
        if tenant is not None and claimed != tenant:
            raise WarrantInvalid("the warrant is for another tenant")
        key = self._key(claimed, str(header.get("kid", "")))
        try:
            claims = jwt.decode(token, key.key, algorithms=["EdDSA"], audience=audience, issuer=self.issuer, leeway=leeway,
                                options={"require": ["iss", "sub", "aud", "jti", "iat", "nbf", "exp"]})
        except jwt.PyJWTError as error:
            raise WarrantInvalid(f"the warrant does not verify: {error}") from error
        if claims.get("action") != action or claims.get("resource") != resource:
            raise WarrantInvalid("the warrant is for another action or resource")
        if claims.get("action_digest") != action_digest(action, resource, params):
            raise WarrantInvalid("the warrant's action_digest does not match these params")
        return claims

    def _key(self, tenant: str, kid: str) -> jwt.PyJWK:
        if not tenant or not kid:
            raise WarrantInvalid("the warrant names no tenant or key")
        with self._lock:
            cached = self._sets.get(tenant)
            if cached and _has(cached[1], kid):
                return cached[1][kid]
            if cached and time.monotonic() - cached[0] < self._refresh_interval:
                raise WarrantInvalid(f"unknown signing key {kid}")
            try:
                keys = jwt.PyJWKSet.from_dict(self._fetch(f"{self.base_url}/v1/tenants/{tenant}/jwks.json"))
            except Exception as error:  # the set could not be fetched or read
                raise WarrantInvalid(f"cannot fetch the tenant's keys: {error}") from error
            self._sets[tenant] = (time.monotonic(), keys)
            if not _has(keys, kid):
                raise WarrantInvalid(f"unknown signing key {kid}")
            return keys[kid]


def _has(keys: jwt.PyJWKSet, kid: str) -> bool:
    return any(key.key_id == kid for key in keys.keys)


def _fetch_json(url: str) -> dict[str, Any]:
    import httpx
    response = httpx.get(url, timeout=10)
    response.raise_for_status()
    return response.json()


def verify_warrant(token: str, *, action: str, resource: str, params: Optional[dict[str, Any]] = None, audience: str,
                   issuer: str, verifier: Optional[WarrantVerifier] = None) -> dict[str, Any]:
    """Verifies a warrant offline (keys cached per issuer by the default verifier); returns its claims.

    `issuer` is the Writ server's base URL: keys are fetched only from there, never from a URL the
    token names."""
    if verifier is None:
        with _verifiers_lock:
            verifier = _verifiers.setdefault(issuer.rstrip("/"), WarrantVerifier(issuer))
    return verifier.verify(token, action=action, resource=resource, params=params, audience=audience)


_verifiers: dict[str, WarrantVerifier] = {}
_verifiers_lock = threading.Lock()
