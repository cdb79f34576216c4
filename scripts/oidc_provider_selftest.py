"""Self-check of scripts/oidc_provider.py: a code flow with PKCE and nonce as Writ will run it, each
fault the provider can inject, key rotation, and code replay. Needs authlib, flask, requests, joserfc."""
import base64, hashlib, json, secrets, subprocess, sys, time, urllib.parse
import requests
from joserfc import jwt
from joserfc.jwk import KeySet

port = "38117"
proc = subprocess.Popen([sys.executable, __file__.replace("oidc_provider_selftest.py", "oidc_provider.py"), port, "writ", "s3cret", "http://127.0.0.1:9/cb"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
print(proc.stdout.readline().strip())
base = f"http://127.0.0.1:{port}"
try:
    disc = requests.get(base + "/.well-known/openid-configuration").json()
    def flow(fault=None, user=None):
        if user: requests.post(base + "/_test/next-user", json=user)
        if fault: requests.post(base + "/_test/fault", json={"fault": fault})
        verifier = secrets.token_urlsafe(48)
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        st, nonce = secrets.token_urlsafe(16), secrets.token_urlsafe(16)
        r = requests.get(disc["authorization_endpoint"], params=dict(response_type="code", client_id="writ", redirect_uri="http://127.0.0.1:9/cb", scope="openid email", state=st, nonce=nonce, code_challenge=challenge, code_challenge_method="S256"), allow_redirects=False)
        loc = urllib.parse.urlparse(r.headers["Location"]); q = dict(urllib.parse.parse_qsl(loc.query))
        assert q["state"] == st, q
        t = requests.post(disc["token_endpoint"], data=dict(grant_type="authorization_code", code=q["code"], redirect_uri="http://127.0.0.1:9/cb", code_verifier=verifier), auth=("writ", "s3cret"))
        replay = requests.post(disc["token_endpoint"], data=dict(grant_type="authorization_code", code=q["code"], redirect_uri="http://127.0.0.1:9/cb", code_verifier=verifier), auth=("writ", "s3cret"))
        idt = t.json()["id_token"]
        keys = KeySet.import_key_set(requests.get(disc["jwks_uri"]).json())
        try:
            tok = jwt.decode(idt, keys); claims = tok.claims; sig = "ok"
        except Exception as e:
            claims = json.loads(base64.urlsafe_b64decode(idt.split(".")[1] + "==")); sig = type(e).__name__
        return dict(iss_param=q.get("iss"), sig=sig, iss=claims["iss"], aud=claims["aud"], nonce_ok=claims.get("nonce") == nonce, email=claims.get("email"), verified=claims.get("email_verified"), expired=claims["exp"] < time.time(), replay=replay.status_code, header=json.loads(base64.urlsafe_b64decode(idt.split(".")[0] + "==")))
    print("normal", flow())
    print("unverified", flow(user={"sub": "p2", "email": "p2@other.org", "email_verified": False}))
    for f in ["wrong-iss-param", "wrong-iss", "wrong-aud", "wrong-nonce", "bad-signature", "unknown-key", "expired"]:
        print(f, flow(fault=f))
    print("rotate", requests.post(base + "/_test/rotate").json(), flow())
    # PKCE required: no challenge
    r = requests.get(disc["authorization_endpoint"], params=dict(response_type="code", client_id="writ", redirect_uri="http://127.0.0.1:9/cb", scope="openid email", state="s", nonce="n"), allow_redirects=False)
    print("no pkce", r.status_code, r.headers.get("Location"))
finally:
    proc.terminate()
    print(proc.stderr.read()[-1500:])
