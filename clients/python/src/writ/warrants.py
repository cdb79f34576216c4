"""Offline warrant verification, pinned to one issuer and one tenant, with `action_digest` recomputed.

A verifier accepts the warrants of exactly one tenant of exactly one Writ server: both come from
the executor's configuration, never from the token. A token naming another issuer or tenant is
refused before any key is fetched, and keys are fetched only from the pinned server, for the
pinned tenant. (Any organisation can sign up on a shared server and have it sign warrants for
whatever action, resource and audience it likes: only the tenant tells its warrants from yours.)
"""
from __future__ import annotations

import base64
import hashlib
import threading
import time
import uuid
from typing import Any, Callable, Optional

import jwt
import rfc8785

from .errors import WarrantInvalid

TYPE = "writ-warrant+jwt"


def action_digest(action: str, resource: str, params: Optional[dict[str, Any]]) -> str:
    """base64url (no padding) of SHA-256 over the RFC 8785 bytes of {action, resource, params}."""
    canonical = rfc8785.dumps({"action": action, "resource": resource, "params": dict(params or {})})
    return base64.urlsafe_b64encode(hashlib.sha256(canonical).digest()).rstrip(b"=").decode()


def tenant_id(tenant: Any) -> str:
    """`tenant` as Writ writes tenant ids (a lower-case UUID); `ValueError` when it is none."""
    if not isinstance(tenant, str) or not tenant.strip():
        raise ValueError("a warrant verifier needs the id of the tenant whose warrants it accepts (tenant=…, a UUID: "
                         "GET /v1/me answers it for your API key); it never takes the tenant from the token")
    try:
        return str(uuid.UUID(tenant.strip()))
    except ValueError:
        raise ValueError(f"tenant must be a Writ tenant id (a UUID), not {tenant[:64]!r}") from None


def _shown(value: Any) -> str:
    """A claim of an unverified token, safe to put in a message."""
    return repr(str(value)[:64]) if value is not None else "none"


class WarrantVerifier:
    """Verifies the warrants of one tenant (`tenant`) of one Writ server (`base_url`, whose
    warrants name `issuer` as `iss`; by default `base_url`).

    The tenant's key set is fetched from `{base_url}/v1/tenants/{tenant}/jwks.json` only, cached,
    and fetched again only for a `kid` it does not hold (a rotation), at most every
    `refresh_interval` seconds. `fetch(url) -> dict` replaces the HTTP GET of that set.

    Offline verification cannot see revocation or a first use: redeem the warrant
    (`Writ.redeem`) before acting on it when that matters.
    """

    def __init__(self, base_url: str, *, tenant: str, issuer: Optional[str] = None,
                 fetch: Optional[Callable[[str], dict[str, Any]]] = None, refresh_interval: float = 30.0):
        self.base_url = base_url.rstrip("/")
        self.issuer = (issuer or self.base_url).rstrip("/")
        self.tenant = tenant_id(tenant)
        self._fetch = fetch or _fetch_json
        self._refresh_interval = refresh_interval
        self._keys: Optional[tuple[float, jwt.PyJWKSet]] = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"WarrantVerifier({self.base_url!r}, tenant={self.tenant!r}, issuer={self.issuer!r})"

    def verify(self, token: str, *, action: str, resource: str, params: Optional[dict[str, Any]] = None, audience: str,
               tenant: Optional[str] = None, leeway: float = 5.0) -> dict[str, Any]:
        """The warrant's claims if it is from this verifier's issuer, for its tenant, signed by
        that tenant's key, current, for `audience`, and for exactly this action, resource and
        params; `WarrantInvalid` otherwise. (`tenant`, if given, must be the pinned tenant.)"""
        if tenant is not None and tenant_id(tenant) != self.tenant:
            raise ValueError(f"this verifier accepts only warrants of tenant {self.tenant}, not of {tenant_id(tenant)}: "
                             "make a WarrantVerifier pinned to that tenant")
        try:
            header = jwt.get_unverified_header(token)
            unverified = jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError as error:
            raise WarrantInvalid(f"not a warrant: {error}") from error
        if header.get("typ") != TYPE or header.get("alg") != "EdDSA":
            raise WarrantInvalid("not a Writ warrant (typ/alg)")
        # Pinned before any key is fetched: nothing the token says chooses the keys it is checked with.
        if unverified.get("iss") != self.issuer:
            raise WarrantInvalid(f"the warrant is from another issuer ({_shown(unverified.get('iss'))}); "
                                 f"this verifier accepts only {self.issuer!r}")
        if unverified.get("tenant") != self.tenant:
            raise WarrantInvalid(f"the warrant is for another tenant ({_shown(unverified.get('tenant'))}); "
                                 f"this verifier accepts only tenant {self.tenant}")
        key = self._key(str(header.get("kid") or ""))
        try:
            claims = jwt.decode(token, key.key, algorithms=["EdDSA"], audience=audience, issuer=self.issuer, leeway=leeway,
                                options={"require": ["iss", "sub", "aud", "jti", "iat", "nbf", "exp", "tenant"]})
        except jwt.PyJWTError as error:
            raise WarrantInvalid(f"the warrant does not verify: {error}") from error
        if claims.get("tenant") != self.tenant:  # the payload verified is the one checked above; kept for clarity
            raise WarrantInvalid("the warrant is for another tenant")
        if claims.get("action") != action or claims.get("resource") != resource:
            raise WarrantInvalid("the warrant is for another action or resource")
        if claims.get("action_digest") != action_digest(action, resource, params):
            raise WarrantInvalid("the warrant's action_digest does not match these params")
        return claims

    @property
    def jwks_url(self) -> str:
        """Where the pinned tenant's keys come from, the only URL this verifier fetches."""
        return f"{self.base_url}/v1/tenants/{self.tenant}/jwks.json"

    def _key(self, kid: str) -> jwt.PyJWK:
        if not kid:
            raise WarrantInvalid("the warrant names no signing key")
        with self._lock:
            cached = self._keys
            if cached and _has(cached[1], kid):
                return cached[1][kid]
            if cached and time.monotonic() - cached[0] < self._refresh_interval:
                raise WarrantInvalid(f"unknown signing key {kid[:64]!r}")
            try:
                keys = jwt.PyJWKSet.from_dict(self._fetch(self.jwks_url))
            except Exception as error:  # the set could not be fetched or read
                raise WarrantInvalid(f"cannot fetch the keys of tenant {self.tenant}: {error}") from error
            self._keys = (time.monotonic(), keys)
            if not _has(keys, kid):
                raise WarrantInvalid(f"unknown signing key {kid[:64]!r}")
            return keys[kid]


def _has(keys: jwt.PyJWKSet, kid: str) -> bool:
    return any(key.key_id == kid for key in keys.keys)


def _fetch_json(url: str) -> dict[str, Any]:
    import httpx
    response = httpx.get(url, timeout=10)
    response.raise_for_status()
    return response.json()


def verify_warrant(token: str, *, action: str, resource: str, params: Optional[dict[str, Any]] = None, audience: str,
                   issuer: str, tenant: str, verifier: Optional[WarrantVerifier] = None) -> dict[str, Any]:
    """Verifies a warrant offline for the tenant `tenant` of the Writ server `issuer`; returns its claims.

    `issuer` is the Writ server's base URL and `tenant` the id of the tenant whose warrants you
    accept, both from your configuration: a warrant of any other issuer or tenant is refused
    before a key is fetched, and keys come only from `{issuer}/v1/tenants/{tenant}/jwks.json`.
    The default verifiers are cached per (issuer, tenant); a `verifier` given must be pinned to
    the same issuer and tenant."""
    pinned_issuer, pinned_tenant = issuer.rstrip("/"), tenant_id(tenant)
    if verifier is None:
        with _verifiers_lock:
            verifier = _verifiers.get((pinned_issuer, pinned_tenant))
            if verifier is None:
                verifier = _verifiers[(pinned_issuer, pinned_tenant)] = WarrantVerifier(pinned_issuer, tenant=pinned_tenant)
    elif (verifier.issuer, verifier.tenant) != (pinned_issuer, pinned_tenant):
        raise ValueError(f"the verifier is pinned to tenant {verifier.tenant} of {verifier.issuer!r}, "
                         f"not to tenant {pinned_tenant} of {pinned_issuer!r}")
    return verifier.verify(token, action=action, resource=resource, params=params, audience=audience)


_verifiers: dict[tuple[str, str], WarrantVerifier] = {}
_verifiers_lock = threading.Lock()
