"""Offline verification is pinned to the executor's own issuer and tenant, never to the token's.

Anyone can sign up on a shared Writ and have it sign, for their own tenant, a T0 warrant for any
action, resource and audience their policy allows: tenant B below issues itself one for exactly
the transfer tenant A's payments executor performs. A's verifier must refuse it, and must not
even fetch B's keys: before, `verify_warrant` fetched the key set of whatever tenant the
unverified token named, and accepted B's warrant.
"""
from __future__ import annotations

import asyncio

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

import writ
from writ import AsyncWrit, Writ

from .conftest import POLICY

TRANSFER = {"action": "payments.transfer", "resource": "accounts/acme-ops", "params": {"amount": 9000, "to": "DE89 3704 0044 0532 0130 00"},
            "audience": "pay"}


def allow_transfers(org) -> None:
    """The team's policy as the fixture sets it, plus: transfers under the starter policy's limit run at once (T0)."""
    policy = dict(POLICY, rules=[*POLICY["rules"], {"id": "transfers", "match": {"action": "payments.transfer"}, "tier": "T0"}])
    response = org.admin.call("PUT", f"/v1/teams/{org.team_id}/policy?comment=transfers", policy)
    assert response.status_code in (200, 201), response.text


def transfer_warrant(org) -> str:
    """A T0 warrant of `org`'s own agent for TRANSFER, with target (audience) `pay`."""
    with Writ(org.node, org.agent_key, issuer=org.issuer) as agent:
        intent = agent.submit(TRANSFER["action"], TRANSFER["resource"], TRANSFER["params"], target="pay")
    assert intent.approved and intent.tier == "T0", intent
    return intent.warrant


def payments_executor_key(org) -> str:
    """An executor key of `org` for the audience `pay`."""
    response = org.admin.call("POST", "/v1/api-keys", {"name": "payments executor", "scopes": ["warrants"], "audiences": ["pay"]})
    assert response.status_code == 201, response.text
    return response.json()["key"]


def expected() -> dict:
    return {key: TRANSFER[key] for key in ("action", "resource", "params", "audience")}


class Recording(httpx.BaseTransport):
    """Sends every request, and remembers its URL."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()
        self.urls: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.urls.append(str(request.url))
        return self.inner.handle_request(request)


def recording_fetch(fetched: list[str]):
    def fetch(url: str) -> dict:
        fetched.append(url)
        return httpx.get(url, timeout=10).raise_for_status().json()
    return fetch


def jwks_url(org) -> str:
    return f"{org.node}/v1/tenants/{org.tenant}/jwks.json"


def test_the_executors_client_refuses_another_tenants_warrant_without_fetching_its_keys(org, other_org, monkeypatch):
    allow_transfers(other_org)
    forged = transfer_warrant(other_org)
    unverified = jwt.decode(forged, options={"verify_signature": False})
    # Everything but the tenant is what A's executor expects: same node and issuer, action, resource, params, audience.
    assert unverified["tenant"] == other_org.tenant != org.tenant and unverified["iss"] == org.issuer
    assert unverified["aud"] == "pay" and unverified["action"] == TRANSFER["action"] and unverified["tier"] == "T0"
    executor_key = payments_executor_key(org)

    transport = Recording()
    with Writ(org.node, executor_key, issuer=org.issuer, transport=transport) as executor:
        with pytest.raises(writ.WarrantInvalid, match="another tenant"):
            executor.verify_warrant(forged, **expected())
        assert executor.tenant_id() == org.tenant  # its own tenant, learned from GET /v1/me for its key
        # B's warrant is no warrant of A's at the server either.
        with pytest.raises(writ.NotFound):
            executor.redeem(unverified["jti"])
    assert not [url for url in transport.urls if "jwks" in url or other_org.tenant in url], transport.urls

    # The async client pins the same way (its key sets come through the module's fetch).
    fetched: list[str] = []
    monkeypatch.setattr(writ.warrants, "_fetch_json", recording_fetch(fetched))

    async def main() -> None:
        async with AsyncWrit(org.node, executor_key, issuer=org.issuer) as executor:
            with pytest.raises(writ.WarrantInvalid, match="another tenant"):
                executor.verify_warrant(forged, **expected())
    asyncio.run(main())
    assert fetched == []


def test_a_pinned_verifier_refuses_another_tenants_warrant_before_any_key_fetch(org, other_org, monkeypatch):
    allow_transfers(other_org)
    forged = transfer_warrant(other_org)
    fetched: list[str] = []
    verifier = writ.WarrantVerifier(org.node, issuer=org.issuer, tenant=org.tenant, fetch=recording_fetch(fetched))
    with pytest.raises(writ.WarrantInvalid, match="another tenant"):
        verifier.verify(forged, **expected())
    with pytest.raises(writ.WarrantInvalid, match="another tenant"):
        writ.verify_warrant(forged, **expected(), issuer=org.issuer, tenant=org.tenant, verifier=verifier)
    assert fetched == []

    # The module's default verifier, cached per (issuer, tenant), fetches nothing for it either.
    default_fetches: list[str] = []
    monkeypatch.setattr(writ.warrants, "_fetch_json", recording_fetch(default_fetches))
    with pytest.raises(writ.WarrantInvalid, match="another tenant"):
        writ.verify_warrant(forged, **expected(), issuer=org.issuer, tenant=org.tenant)
    assert default_fetches == []
    # B's own executor, pinned to B, accepts it: pinning tells tenants apart, it refuses nothing else.
    assert writ.verify_warrant(forged, **expected(), issuer=org.issuer, tenant=other_org.tenant)["tenant"] == other_org.tenant
    assert default_fetches == [jwks_url(other_org)]


def test_verification_without_a_pinned_tenant_fails_clearly(org, other_org):
    allow_transfers(other_org)
    forged = transfer_warrant(other_org)
    with pytest.raises(TypeError, match="tenant"):
        writ.verify_warrant(forged, **expected(), issuer=org.issuer)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="tenant"):
        writ.WarrantVerifier(org.node, issuer=org.issuer)  # type: ignore[call-arg]
    for missing in (None, "", "  "):
        with pytest.raises(ValueError, match="tenant"):
            writ.verify_warrant(forged, **expected(), issuer=org.issuer, tenant=missing)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="UUID"):
        writ.WarrantVerifier(org.node, tenant="../../other")
    # A verifier pinned elsewhere is not used for another pin.
    pinned_to_b = writ.WarrantVerifier(org.node, issuer=org.issuer, tenant=other_org.tenant)
    with pytest.raises(ValueError, match="pinned"):
        writ.verify_warrant(forged, **expected(), issuer=org.issuer, tenant=org.tenant, verifier=pinned_to_b)
    with pytest.raises(ValueError, match="pinned|accepts only"):
        writ.WarrantVerifier(org.node, issuer=org.issuer, tenant=org.tenant).verify(forged, **expected(), tenant=other_org.tenant)


def test_tokens_naming_another_issuer_or_signed_by_another_key_are_refused(org):
    allow_transfers(org)
    own = transfer_warrant(org)
    claims = jwt.decode(own, options={"verify_signature": False})
    real_kid = jwt.get_unverified_header(own)["kid"]
    attacker = Ed25519PrivateKey.generate()

    def forge(kid: str, **changes) -> str:
        return jwt.encode(dict(claims, **changes), attacker, algorithm="EdDSA", headers={"typ": "writ-warrant+jwt", "kid": kid})

    fetched: list[str] = []
    verifier = writ.WarrantVerifier(org.node, issuer=org.issuer, tenant=org.tenant, fetch=recording_fetch(fetched))
    with pytest.raises(writ.WarrantInvalid, match="another issuer"):
        verifier.verify(forge(real_kid, iss="https://writ.attacker.example"), **expected())
    assert fetched == []
    with pytest.raises(writ.WarrantInvalid, match="unknown signing key"):
        verifier.verify(forge("attacker-key"), **expected())
    with pytest.raises(writ.WarrantInvalid, match="does not verify"):
        verifier.verify(forge(real_kid), **expected())
    assert fetched == [jwks_url(org)]  # keys from the pinned server, for the pinned tenant only


def test_the_tenants_own_warrant_verifies_offline_but_only_redemption_sees_revocation(org, monkeypatch):
    allow_transfers(org)
    own = transfer_warrant(org)
    executor_key = payments_executor_key(org)
    fetched: list[str] = []
    monkeypatch.setattr(writ.warrants, "_fetch_json", recording_fetch(fetched))

    claims = writ.verify_warrant(own, **expected(), issuer=org.issuer, tenant=org.tenant)
    assert claims["tenant"] == org.tenant and claims["aud"] == "pay"
    transport = Recording()
    with Writ(org.node, executor_key, issuer=org.issuer, transport=transport) as learned, \
            Writ(org.node, executor_key, issuer=org.issuer, tenant=org.tenant.upper()) as configured:
        assert learned.verify_warrant(own, **expected())["jti"] == claims["jti"]
        assert [url.rsplit("/v1/", 1)[1] for url in transport.urls] == ["me", f"tenants/{org.tenant}/jwks.json"]
        assert configured.tenant_id() == org.tenant and configured.verify_warrant(own, **expected())["jti"] == claims["jti"]

        async def main() -> None:
            async with AsyncWrit(org.node, executor_key, issuer=org.issuer) as executor:
                assert await executor.tenant_id() == org.tenant
                assert executor.verify_warrant(own, **expected())["jti"] == claims["jti"]
        asyncio.run(main())
        assert fetched == [jwks_url(org), jwks_url(org)]  # the module's verifier, then the async client's

        # Revoked: offline verification cannot know; redemption refuses.
        assert org.admin.call("POST", f"/v1/warrants/{claims['jti']}/revoke").status_code == 204
        assert learned.verify_warrant(own, **expected())["jti"] == claims["jti"]
        with pytest.raises(writ.Conflict, match="revoked"):
            learned.redeem(claims["jti"])
