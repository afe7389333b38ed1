"""A real OpenID Connect provider for the sign-in tests: the npm ``oidc-provider`` package (``tests/oidc_provider``,
installed by ``make oidc``), started by the test as its own process on a free port, never a mock.

``OidcProvider`` starts and stops one; ``sign_in_at_provider`` walks its development sign-in pages over HTTP the
way a browser would (no JavaScript needed there) and returns where the provider sends the fan back.
"""

import json
import os
import shutil
import socket
import subprocess
import time
import uuid
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa

from accounts.oidc import forget_provider

SERVER = Path(__file__).resolve().parent / "oidc_provider" / "server.mjs"
NODE_MODULES = SERVER.parent / "node_modules" / "oidc-provider"
CLIENT_ID = "monoql-fan-site"
CLIENT_SECRET = "test-only-client-secret-" + "0" * 16


def new_signing_key(kid: str) -> tuple[rsa.RSAPrivateKey, dict]:
    """A fresh RSA key and its private JWK (``kid``, RS256, signing use)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key))
    jwk.pop("key_ops", None)  # published as is: a verifier must be allowed to verify with it
    jwk.update({"kid": kid, "use": "sig", "alg": "RS256"})
    return key, jwk


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class OidcProvider:
    """One running provider process: ``issuer``, the signing keys (``keys``: kid → private key) and the fan site's
    client. ``restart(keys=...)`` starts it again on the same port with other keys (a key rotation)."""

    def __init__(self, workdir: Path, redirect_uris: list[str], port: int | None = None):
        assert shutil.which("node"), "node is needed for the OpenID Connect provider (Node.js 20, README)"
        assert NODE_MODULES.exists(), "the provider is installed by `make oidc` (tests/oidc_provider/package.json)"
        self.workdir = workdir
        self.redirect_uris = redirect_uris
        self.port = port or _free_port()
        self.issuer = f"http://127.0.0.1:{self.port}"
        self.keys: dict[str, rsa.RSAPrivateKey] = {}
        self.process: subprocess.Popen | None = None

    def start(self, kids: tuple[str, ...] = ("key-1",)) -> "OidcProvider":
        """Start with fresh keys named ``kids`` (the first one signs); waits until discovery answers."""
        jwks = []
        for kid in kids:
            key, jwk = new_signing_key(kid)
            self.keys[kid] = key
            jwks.append(jwk)
        keys_file = self.workdir / f"keys-{uuid.uuid4().hex}.json"
        keys_file.write_text(json.dumps({"keys": jwks}))
        env = {
            **os.environ,
            "OIDC_PORT": str(self.port),
            "OIDC_KEYS_FILE": str(keys_file),
            "OIDC_CLIENT_ID": CLIENT_ID,
            "OIDC_CLIENT_SECRET": CLIENT_SECRET,
            "OIDC_REDIRECT_URIS": ",".join(self.redirect_uris),
        }
        log = (self.workdir / "oidc-provider.log").open("ab")
        self.process = subprocess.Popen(["node", str(SERVER)], env=env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{self.issuer}/.well-known/openid-configuration", timeout=1).ok:
                    return self
            except requests.ConnectionError:
                pass
            assert self.process.poll() is None, (self.workdir / "oidc-provider.log").read_text()
            time.sleep(0.1)
        raise AssertionError("the OpenID Connect provider did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def restart(self, kids: tuple[str, ...]) -> None:
        self.stop()
        self.start(kids)

    def id_token(self, kid: str | None = None, key: rsa.RSAPrivateKey | None = None, **claims) -> str:
        """An ID token signed with the provider's key ``kid`` (or ``key``), for the checks' tests: ``iss``, ``aud``,
        ``sub``, ``iat``, ``exp`` (in 10 minutes) and ``nonce`` default to a valid token's; ``claims`` override."""
        kid = kid or next(iter(self.keys))
        now = int(time.time())
        payload = {
            "iss": self.issuer,
            "aud": CLIENT_ID,
            "sub": "oidc-fan-1",
            "email": "oidc-fan@example.com",
            "iat": now,
            "exp": now + 600,
            "nonce": "the-nonce",
            **claims,
        }
        return jwt.encode(payload, key or self.keys[kid], algorithm="RS256", headers={"kid": kid})

    def public_jwks(self) -> dict:
        """The provider's published keys (what its ``jwks_uri`` answers)."""
        return requests.get(f"{self.issuer}/jwks", timeout=5).json()


def sign_in_at_provider(authorize_url: str, login: str, *, cancel: bool = False) -> str:
    """Follow the provider's development sign-in from ``authorize_url`` (where ``signin/start`` sent the fan): type
    ``login`` (an email) and any password, or press "[ Cancel ]"; returns the URL the provider sends the fan back to
    (our callback with ``code`` and ``state``, or ``error=access_denied``)."""
    browser = requests.Session()
    answer = browser.get(authorize_url, allow_redirects=False, timeout=10)
    provider = f"{urlsplit(authorize_url).scheme}://{urlsplit(authorize_url).netloc}"
    for _ in range(10):
        location = answer.headers.get("Location", "")
        if answer.is_redirect and not location.startswith(provider) and location.startswith("http"):
            return location
        if answer.is_redirect:
            answer = browser.get(urljoin(provider, location), allow_redirects=False, timeout=10)
            continue
        page = answer.url
        uid = urlsplit(page).path.rstrip("/").split("/")[-1]
        if cancel:
            answer = browser.get(f"{provider}/interaction/{uid}/abort", allow_redirects=False, timeout=10)
        else:
            answer = browser.post(
                f"{provider}/interaction/{uid}",
                data={"prompt": "login", "login": login, "password": "any"},
                allow_redirects=False,
                timeout=10,
            )
    raise AssertionError("the provider never sent the fan back")


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory, live_server):
    """One provider for the session, whose client accepts the demo campaign's callback on the live server and on
    the Django test client's host."""
    callback = "/c/metallica.localhost/signin/callback"
    provider = OidcProvider(
        tmp_path_factory.mktemp("oidc"),
        [f"{live_server.url}{callback}", f"http://testserver{callback}"],
    ).start()
    yield provider
    provider.stop()


@pytest.fixture
def oidc_site(settings, oidc_provider):
    """The fan site signing fans in through ``oidc_provider`` (fresh Authlib client before and after)."""
    settings.OIDC_ISSUER = oidc_provider.issuer
    settings.OIDC_CLIENT_ID = CLIENT_ID
    settings.OIDC_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_PROVIDER_NAME = "Example ID"
    forget_provider()
    yield oidc_provider
    forget_provider()
