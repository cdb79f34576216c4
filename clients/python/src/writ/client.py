"""The synchronous client."""
from __future__ import annotations

import threading
import time
from typing import Any, Optional

import httpx

from . import _http
from .errors import ProblemError, StillPending, WarrantInvalid, WritError
from .models import Intent
from .warrants import WarrantVerifier
from .warrants import tenant_id as _tenant_id


class Writ:
    """A Writ server as an agent (or executor) sees it, through one API key.

    >>> writ = Writ("https://writ.example.com", "writ_…")
    >>> intent = writ.submit("k8s.deployment.scale", "prod/web", {"replicas": 5})

    `issuer` is the server's public URL as warrants name it (`WRIT_PUBLIC_URL`) when it differs
    from `base_url`. `tenant` is the id of the tenant whose warrants `verify_warrant` accepts;
    without it, the API key's own tenant, learned once from `GET /v1/me` (never from a token).
    """

    def __init__(self, base_url: str, api_key: str, *, timeout: float = 30.0, retries: int = 3, issuer: Optional[str] = None,
                 tenant: Optional[str] = None, transport: Optional[httpx.BaseTransport] = None):
        self.base_url = base_url.rstrip("/")
        self.issuer = (issuer or self.base_url).rstrip("/")
        self.retries = retries
        self._http = httpx.Client(base_url=self.base_url, headers=_http.headers(api_key), timeout=timeout, transport=transport)
        self._tenant = _tenant_id(tenant) if tenant is not None else None
        self._verifier: Optional[WarrantVerifier] = None
        self._pinning = threading.Lock()

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> "Writ":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _send(self, call: _http.Call, timeout: Optional[float] = None) -> Any:
        attempt = 0
        while True:
            try:
                response = self._http.request(call.method, call.path, json=call.json, headers=call.headers, params=call.params,
                                              timeout=timeout if timeout is not None else httpx.USE_CLIENT_DEFAULT)
                return _http.parse(response)
            except (ProblemError, httpx.TransportError) as error:
                if attempt >= self.retries or not _http.may_retry(error, call):
                    raise
                time.sleep(_http.backoff(attempt, error if isinstance(error, ProblemError) else None))
                attempt += 1

    def submit(self, action: str, resource: str, params: Optional[dict[str, Any]] = None, *, target: Optional[str] = None,
               justification: Optional[str] = None, idempotency_key: Optional[str] = None) -> Intent:
        """Submits an intent; the answer says its tier and, for T0, carries the warrant."""
        return Intent.from_json(self._send(_http.submission(action, resource, params, target, justification, idempotency_key)))

    def get(self, intent_id: str) -> Intent:
        return Intent.from_json(self._send(_http.Call("GET", f"/v1/intents/{intent_id}", repeatable=True)))

    def wait(self, intent_id: str, timeout: float = 60.0) -> Intent:
        """The intent once it left `pending_approval`, or as it is when `timeout` seconds passed
        (the server's long-poll, up to 60 s per request)."""
        deadline = time.monotonic() + timeout
        intent = self.get(intent_id)
        while intent.pending:
            left = deadline - time.monotonic()
            if left < 1:
                return intent
            wait = int(min(left, 60))
            intent = Intent.from_json(self._send(
                _http.Call("GET", f"/v1/intents/{intent_id}", params={"wait": wait}, repeatable=True), timeout=wait + 15))
        return intent

    def wait_for_warrant(self, intent_id: str, timeout: float = 60.0) -> Intent:
        """Like `wait`, but raises `Denied`/`Rejected`/`Expired`/`Cancelled` or `StillPending`."""
        from .governed import require_warrant
        intent = self.wait(intent_id, timeout)
        if intent.pending:
            raise StillPending(intent)
        return require_warrant(intent)

    def cancel(self, intent_id: str) -> Intent:
        return Intent.from_json(self._send(_http.Call("POST", f"/v1/intents/{intent_id}/cancel", json={})))

    def report(self, intent_id: str, outcome: str, summary: Optional[str] = None) -> Intent:
        """Reports how the action went: `outcome` is "executed" or "failed"."""
        body: dict[str, Any] = {"status": outcome}
        if summary is not None:
            body["summary"] = summary[:2000]
        return Intent.from_json(self._send(_http.Call("POST", f"/v1/intents/{intent_id}/result", json=body)))

    def redeem(self, jti: str) -> dict[str, Any]:
        """Consumes a warrant (executor key): the first call succeeds, every later one raises `Conflict`."""
        return self._send(_http.Call("POST", f"/v1/warrants/{jti}/redeem", json={}))

    def me(self) -> dict[str, Any]:
        """`GET /v1/me`: the API key, its agent and its tenant."""
        return self._send(_http.Call("GET", "/v1/me", repeatable=True))

    def tenant_id(self) -> str:
        """The tenant this client verifies warrants for: the `tenant` it was given, else its API
        key's tenant, asked once of the server (`GET /v1/me`)."""
        with self._pinning:
            if self._tenant is None:
                self._tenant = _tenant_id(self.me()["tenant"]["id"])
            return self._tenant

    @property
    def warrants(self) -> WarrantVerifier:
        """The verifier pinned to this client's issuer and tenant (made on first use)."""
        if self._verifier is None:
            try:
                tenant = self.tenant_id()
            except (WritError, httpx.HTTPError, KeyError, TypeError, ValueError) as error:
                raise WarrantInvalid(f"cannot verify warrants: this API key's tenant is unknown (GET /v1/me: {error})") from error
            with self._pinning:
                if self._verifier is None:
                    self._verifier = WarrantVerifier(self.base_url, tenant=tenant, issuer=self.issuer,
                                                     fetch=lambda url: self._http.get(url).raise_for_status().json())
        return self._verifier

    def verify_warrant(self, token: str, *, action: str, resource: str, params: Optional[dict[str, Any]] = None,
                       audience: str) -> dict[str, Any]:
        """Checks a warrant offline: from this client's issuer, for this client's tenant (see
        `tenant_id`), signed with that tenant's key, for exactly this action, resource, params
        and audience; returns its claims. It cannot see revocation: `redeem` can."""
        return self.warrants.verify(token, action=action, resource=resource, params=params, audience=audience)
