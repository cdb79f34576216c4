"""The asyncio client: the same calls as `Writ`, awaited."""
from __future__ import annotations

import asyncio
import threading
import time
from typing import Any, Optional

import httpx

from . import _http
from ._ledger import Ledger, Report, log
from .errors import ProblemError, StillPending, WarrantInvalid, WritError
from .models import Intent
from .warrants import WarrantVerifier
from .warrants import tenant_id as _tenant_id


class AsyncWrit:
    """`Writ` for asyncio code.

    `verify_warrant` stays synchronous: the tenant (unless given as `tenant`, or learned before
    with `await tenant_id()`) and the key set are fetched with a blocking request the first time,
    and again only on a key rotation."""

    def __init__(self, base_url: str, api_key: str, *, timeout: float = 30.0, retries: int = 3, issuer: Optional[str] = None,
                 tenant: Optional[str] = None, transport: Optional[httpx.AsyncBaseTransport] = None):
        self.base_url = base_url.rstrip("/")
        self.issuer = (issuer or self.base_url).rstrip("/")
        self.retries = retries
        self._headers = _http.headers(api_key)
        self._timeout = timeout
        self._http = httpx.AsyncClient(base_url=self.base_url, headers=self._headers, timeout=timeout, transport=transport)
        self._tenant = _tenant_id(tenant) if tenant is not None else None
        self._verifier: Optional[WarrantVerifier] = None
        self._pinning = threading.Lock()
        self._ledger = Ledger()

    async def aclose(self) -> None:
        """Tries once more to deliver the results kept by `report(…, keep=True)`, then closes the connections."""
        try:
            await self.flush_reports()
        finally:
            await self._http.aclose()

    async def __aenter__(self) -> "AsyncWrit":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def _exchange(self, call: _http.Call, timeout: Optional[float] = None,
                        retries: Optional[int] = None) -> tuple[Any, httpx.Response]:
        attempt, limit = 0, self.retries if retries is None else retries
        while True:
            try:
                response = await self._http.request(call.method, call.path, json=call.json, headers=call.headers, params=call.params,
                                                    timeout=timeout if timeout is not None else httpx.USE_CLIENT_DEFAULT)
                return _http.parse(response), response
            except (ProblemError, httpx.RequestError) as error:
                if attempt >= limit or not _http.may_retry(error, call):
                    if isinstance(error, httpx.RequestError):
                        raise _http.transport_error(error) from error
                    raise
                await asyncio.sleep(_http.backoff(attempt, error if isinstance(error, ProblemError) else None))
                attempt += 1

    async def _send(self, call: _http.Call, timeout: Optional[float] = None, retries: Optional[int] = None) -> Any:
        return (await self._exchange(call, timeout, retries))[0]

    async def submit(self, action: str, resource: str, params: Optional[dict[str, Any]] = None, *, target: Optional[str] = None,
                     justification: Optional[str] = None, idempotency_key: Optional[str] = None) -> Intent:
        """Submits an intent, like `Writ.submit`."""
        body, response = await self._exchange(_http.submission(action, resource, params, target, justification, idempotency_key))
        return Intent.from_json(body, replayed=response.headers.get("idempotent-replayed") == "true")

    async def get(self, intent_id: str) -> Intent:
        """The intent's current state, with the approvers' decisions so far."""
        return Intent.from_json(await self._send(_http.Call("GET", f"/v1/intents/{intent_id}", repeatable=True)))

    async def wait(self, intent_id: str, timeout: float = 60.0) -> Intent:
        """The intent once it left `pending_approval`, or as it is after `timeout` seconds (like `Writ.wait`)."""
        deadline = time.monotonic() + timeout
        intent = await self.get(intent_id)
        while intent.pending:
            left = deadline - time.monotonic()
            if left < 1:
                return intent
            wait = int(min(left, 60))
            intent = Intent.from_json(await self._send(
                _http.Call("GET", f"/v1/intents/{intent_id}", params={"wait": wait}, repeatable=True), timeout=wait + 15))
        return intent

    async def wait_for_warrant(self, intent_id: str, timeout: float = 60.0) -> Intent:
        """Like `wait`, but raises `Denied`/`Rejected`/`Expired`/`Cancelled` or `StillPending`."""
        from .governed import require_warrant
        intent = await self.wait(intent_id, timeout)
        if intent.pending:
            raise StillPending(intent)
        return require_warrant(intent)

    async def cancel(self, intent_id: str) -> Intent:
        """Withdraws a pending intent."""
        return Intent.from_json(await self._send(_http.Call("POST", f"/v1/intents/{intent_id}/cancel", json={})))

    async def report(self, intent_id: str, outcome: str, summary: Optional[str] = None, *, keep: bool = False) -> Optional[Intent]:
        """Reports how the action went, like `Writ.report` (with `keep=True`: kept for later, not
        raised, when Writ cannot take it now)."""
        if not keep:
            return Intent.from_json(await self._send(_http.report(intent_id, outcome, summary)))
        report = Report(intent_id, outcome, summary)
        try:
            return Intent.from_json(await self._send(_http.report(intent_id, outcome, summary), retries=0))
        except WritError as error:
            if not _http.transient(error):
                raise
            log.warning("writ: kept the %s report of intent %s to send later: %s", outcome, intent_id, error)
            self._ledger.keep(report)
            return None

    @property
    def unreported(self) -> list[Report]:
        """The reports kept by `report(…, keep=True)` that Writ has not taken yet, oldest first."""
        return self._ledger.reports()

    async def flush_reports(self) -> int:
        """Sends the kept reports, like `Writ.flush_reports`; returns how many are still kept."""
        for report in self._ledger.reports():
            try:
                await self._send(_http.report(report.intent_id, report.outcome, report.summary), retries=0)
            except WritError as error:
                if _http.transient(error):
                    break
                log.warning("writ: dropped the %s report of intent %s: %s", report.outcome, report.intent_id, error)
            self._ledger.delivered(report)
        return len(self._ledger.reports())

    async def redeem(self, jti: str) -> dict[str, Any]:
        """Consumes a warrant (executor key): the first call succeeds, every later one raises `Conflict`."""
        return await self._send(_http.Call("POST", f"/v1/warrants/{jti}/redeem", json={}))

    async def me(self) -> dict[str, Any]:
        """`GET /v1/me`: the API key, its agent and its tenant."""
        return await self._send(_http.Call("GET", "/v1/me", repeatable=True))

    async def tenant_id(self) -> str:
        """The tenant this client verifies warrants for: the `tenant` it was given, else its API
        key's tenant, asked once of the server (`GET /v1/me`)."""
        if self._tenant is None:
            learned = _tenant_id((await self.me())["tenant"]["id"])
            with self._pinning:
                self._tenant = self._tenant or learned
        return self._tenant

    def _tenant_blocking(self) -> str:
        with self._pinning:
            if self._tenant is None:
                response = httpx.get(f"{self.base_url}/v1/me", headers=self._headers, timeout=self._timeout)
                self._tenant = _tenant_id(_http.parse(response)["tenant"]["id"])
            return self._tenant

    @property
    def warrants(self) -> WarrantVerifier:
        """The verifier pinned to this client's issuer and tenant (made on first use)."""
        if self._verifier is None:
            try:
                tenant = self._tenant or self._tenant_blocking()
            except (WritError, httpx.HTTPError, KeyError, TypeError, ValueError) as error:
                raise WarrantInvalid(f"cannot verify warrants: this API key's tenant is unknown (GET /v1/me: {error})") from error
            with self._pinning:
                if self._verifier is None:
                    # Key sets are fetched rarely (once, and on a rotation): a blocking fetch is acceptable there.
                    self._verifier = WarrantVerifier(self.base_url, tenant=tenant, issuer=self.issuer)
        return self._verifier

    def verify_warrant(self, token: str, *, action: str, resource: str, params: Optional[dict[str, Any]] = None,
                       audience: str) -> dict[str, Any]:
        """Checks a warrant offline, pinned to this client's issuer and tenant, like `Writ.verify_warrant`."""
        return self.warrants.verify(token, action=action, resource=resource, params=params, audience=audience)
