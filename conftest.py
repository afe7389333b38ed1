"""Shared test fixtures: the demo campaign from the real Discovery data, identity tokens, a GraphQL client."""

import contextlib
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from accounts.identity import DevelopmentIdentityProvider
from monoql.audit import Actor
from tests.reason_references import misspelt_reason_references

# A reason written as a registry member that no registry declares fails the suite here, as it loads (issue 42).
_MISSPELT = misspelt_reason_references(Path(__file__).resolve().parent)
if _MISSPELT:
    raise ImportError("error reasons no registry declares: " + ", ".join(_MISSPELT))

#: The actor of the writes a test makes through services directly (an operator's command named "test").
TEST_ACTOR = Actor.command("test")


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache (campaign reads, rate limits): tests share one Redis database."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _no_undeclared_answers():
    """A test fails when a REST view answers a reason it does not declare (``errors``, its access, or its surface's
    plumbing: ``monoql.reasons.declare_answers``)."""
    from monoql import reasons

    reasons.unexpected.clear()
    yield
    found, reasons.unexpected[:] = list(reasons.unexpected), []
    assert not found, f"reasons answered but not declared by the endpoint: {sorted(set(found))}"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Staff passwords hash with MD5 in tests (PBKDF2's million rounds cost ~1 s per sign-in here)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _test_client_host(settings):
    """Django's test client calls itself ``testserver``: a project host in tests."""
    settings.PROJECT_HOSTS = [*settings.PROJECT_HOSTS, "testserver"]


@pytest.fixture(autouse=True)
def _strict_task_names(settings):
    """Queuing a task name that no installed app registers fails the test (it would be dropped in production)."""
    settings.QUEUE_STRICT_TASK_NAMES = True


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Each test stores files under its own MEDIA_ROOT, so stored files never leak between tests."""
    settings.MEDIA_ROOT = tmp_path / "media"


def pytest_collection_modifyitems(items):
    """A test that asks for ``require_postgres`` is a ``postgres`` test (``-m "not postgres"`` leaves it out: the
    portable run of ``make test`` on SQLite)."""
    for item in items:
        if "require_postgres" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.postgres)


@pytest.fixture
def require_postgres():
    """Fail (never skip) when the suite runs on something other than PostgreSQL."""
    assert connection.vendor == "postgresql", "this test needs PostgreSQL: set DATABASE_URL (make test does)"


@pytest.fixture
def discovery_dir():
    return settings.DISCOVERY_DATA_DIR


@pytest.fixture
def events_page_text(discovery_dir):
    return (discovery_dir / "events-page.json").read_text()


@pytest.fixture
def demo_campaign(db, events_page_text):
    from campaigns.services.demo import load_demo

    return load_demo(
        events_page_text,
        admin_username="admin",
        admin_email="admin@example.com",
        admin_password="pw-Test-123!",
        actor=TEST_ACTOR,
    ).campaign


def mint(email="fan@example.com", global_user_id=None, lifetime=3600, secret=None, **claims):
    """Return a development identity token for ``email``."""
    provider = DevelopmentIdentityProvider(secret or settings.IDENTITY_DEV_SECRET)
    payload = {"sub": global_user_id or f"g-{email}", "email": email, **claims}
    return provider.mint(payload, lifetime)


@pytest.fixture
def identity_token():
    return mint


class GraphQLClient:
    """Posts GraphQL documents to /graphql like a fan site does."""

    def __init__(self):
        self.client = Client(enforce_csrf_checks=True)

    def execute(self, query, variables=None, token=None, headers=None):
        extra = dict(headers or {})
        if token:
            extra["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        response = self.client.post(
            "/graphql",
            data=json.dumps({"query": query, "variables": variables or {}}),
            content_type="application/json",
            **extra,
        )
        body = response.json()
        body["_response"] = response
        return body


@pytest.fixture
def gql():
    return GraphQLClient()


AUTHENTICATE = """
mutation Auth($token: String) {
  authenticate(credentials: {token: $token}) { id isLoggedIn email auth { token expiresAt isSupreme permissions { campaignId actions } } }
}
"""


@pytest.fixture
def sign_in(gql, identity_token):
    """Sign a fan in through the API; return our session JWT."""

    def _sign_in(email="fan@example.com", **claims):
        body = gql.execute(AUTHENTICATE, {"token": identity_token(email, **claims)})
        assert "errors" not in body, body
        return body["data"]["authenticate"]["auth"]["token"]

    return _sign_in


def publishable(campaign):
    """Give ``campaign`` a market and default-locale content: what the publish rule asks besides its own row
    (a domain, a close date and an email or phone field in ``preferences``)."""
    from campaigns.models import CampaignLocale, Market

    Market.objects.create(
        campaign=campaign, name="Market", city="City", state="CA", timezone="America/Los_Angeles", event_ids=["ev1"]
    )
    CampaignLocale.objects.create(campaign=campaign, locale="en_US", is_default=True, content={"body": "Hello"})
    return campaign


def run_concurrently(workers: int, work):
    """Run ``work(n)`` in ``workers`` threads released together; return (results, errors).

    Each thread closes its own database connection when done, so PostgreSQL sessions do not leak.
    """
    import threading

    from django.db import connection

    barrier = threading.Barrier(workers)
    results, errors = [], []

    def run(n):
        try:
            barrier.wait(timeout=10)
            results.append(work(n))
        except Exception as error:  # noqa: BLE001 - returned to the test, which asserts on it
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


def fan_with_role(role: str, campaign=None):
    """Create a fan for a permission table: ``supreme``, ``<action>r`` holders (``reader``, ``writer``,
    ``selector``, ``reporter``) on ``campaign``, or a plain ``fan``. Returns the Fan."""
    from accounts.models import CampaignPermission, Fan, Supreme

    fan, _ = Fan.objects.get_or_create(global_user_id=f"g-{role}", defaults={"email": f"{role}@example.com"})
    actions = {"reader": "read", "writer": "write", "selector": "select", "reporter": "report"}
    if role == "supreme":
        Supreme.objects.get_or_create(fan=fan)
    elif role in actions:
        CampaignPermission.objects.get_or_create(fan=fan, campaign=campaign, action=actions[role])
    return fan


def session_token_for(role: str, campaign=None) -> str | None:
    """Our session JWT for a new fan with ``role`` (see ``fan_with_role``); None for ``anonymous``."""
    from accounts.tokens import issue_session_token

    if role == "anonymous":
        return None
    return issue_session_token(fan_with_role(role, campaign).pk, is_supreme=False, permissions={}, tm_sig="").token


def post_multipart(query: str, variables: dict, content: bytes, token=None, name="file.csv", file_variable="file"):
    """POST /graphql as multipart/form-data per the GraphQL multipart request spec (one file part).

    Returns the Django test response; ``variables[file_variable]`` is set to null in ``operations``.
    """
    from django.core.files.uploadedfile import SimpleUploadedFile

    operations = {"query": query, "variables": {**variables, file_variable: None}}
    data = {
        "operations": json.dumps(operations),
        "map": json.dumps({"0": [f"variables.{file_variable}"]}),
        "0": SimpleUploadedFile(name, content, content_type="text/csv"),
    }
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return Client().post("/graphql", data=data, **headers)


@pytest.fixture
def count_calls(monkeypatch):
    """``count_calls(owner, name)``: replace ``owner.name`` by a wrapper that records each call and calls
    through; returns the list the calls are appended to (one ``1`` a call)."""

    def install(owner, name):
        calls = []
        real = getattr(owner, name)

        def counting(*args, **kwargs):
            calls.append(1)
            return real(*args, **kwargs)

        monkeypatch.setattr(owner, name, counting)
        return calls

    return install


@contextlib.contextmanager
def held_in_another_session(take, seconds: float = 30):
    """Run ``take()`` in a transaction of another database session (a thread) and keep that transaction open
    until the block ends: what another worker holding a lock looks like. Yields the thread (alive while held)."""
    import threading

    from django.db import connection, transaction

    held, release = threading.Event(), threading.Event()

    def hold():
        try:
            with transaction.atomic():
                take()
                held.set()
                release.wait(seconds)
        finally:
            connection.close()

    thread = threading.Thread(target=hold)
    thread.start()
    assert held.wait(10), "the other session did not get what it takes"
    try:
        yield thread
    finally:
        release.set()
        thread.join()
