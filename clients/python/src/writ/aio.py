"""The asyncio client: the same calls as `Writ`, awaited."""
from __future__ import annotations

import asyncio
import time
from typing import Any, Optional

import httpx

from . import _http
from .errors import ProblemError, StillPending
from .models import Intent
from .warrants import WarrantVerifier


class AsyncWrit:
    """`Writ` for asyncio code."""

    def __init__(self, base_url: str, api_key: str, *, timeout: float = 30.0, retries: int = 3, issuer: Optional[str] = None,
                 transport: Optional[httpx.AsyncBaseTransport] = None):
        self.base_url = base_url.rstrip("/")
        self.retries = retries
        self._http = httpx.AsyncClient(base_url=self.base_url, headers=_http.headers(api_key), timeout=timeout, transport=transport)
        # Key sets are fetched rarely (once per tenant and rotation): a blocking fetch is acceptable there.
        self.warrants = WarrantVerifier(self.base_url, issuer=issuer)

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> "AsyncWrit":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def _send(self, call: _http.Call, timeout: Optional[float] = None) -> Any:
        attempt = 0
        while True:
            try:
                response = await self._http.request(call.method, call.path, json=call.json, headers=call.headers, params=call.params,
                                                    timeout=timeout if timeout is not None else httpx.USE_CLIENT_DEFAULT)
                return _http.parse(response)
            except (ProblemError, httpx.TransportError) as error:
                if attempt >= self.retries or not _http.may_retry(error, call):
                    raise
                await asyncio.sleep(_http.backoff(attempt, error if isinstance(error, ProblemError) else None))
                attempt += 1

    async def submit(self, action: str, resource: str, params: Optional[dict[str, Any]] = None, *, target: Optional[str] = None,
                     justification: Optional[str] = None, idempotency_key: Optional[str] = None) -> Intent:
        return Intent.from_json(await self._send(_http.submission(action, resource, params, target, justification, idempotency_key)))

    async def get(self, intent_id: str) -> Intent:
        return Intent.from_json(await self._send(_http.Call("GET", f"/v1/intents/{intent_id}", repeatable=True)))

    async def wait(self, intent_id: str, timeout: float = 60.0) -> Intent:
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
        from .governed import require_warrant
        intent = await self.wait(intent_id, timeout)
        if intent.pending:
            raise StillPending(intent)
        return require_warrant(intent)

    async def cancel(self, intent_id: str) -> Intent:
        return Intent.from_json(await self._send(_http.Call("POST", f"/v1/intents/{intent_id}/cancel", json={})))

    async def report(self, intent_id: str, outcome: str, summary: Optional[str] = None) -> Intent:
        body: dict[str, Any] = {"status": outcome}
        if summary is not None:
            body["summary"] = summary[:2000]
        return Intent.from_json(await self._send(_http.Call("POST", f"/v1/intents/{intent_id}/result", json=body)))

    async def redeem(self, jti: str) -> dict[str, Any]:
        return await self._send(_http.Call("POST", f"/v1/warrants/{jti}/redeem", json={}))

    def verify_warrant(self, token: str, *, action: str, resource: str, params: Optional[dict[str, Any]] = None,
                       audience: str) -> dict[str, Any]:
        return self.warrants.verify(token, action=action, resource=resource, params=params, audience=audience)
