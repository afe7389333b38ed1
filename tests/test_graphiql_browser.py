"""GraphiQL renders in a real browser with the network cut off (only the test server is reachable)."""

import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings

SHOTS = Path(settings.BASE_DIR) / "artifacts" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    # Cut the network off: every host name fails to resolve except the test server's.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
]


#: Every page reports the Content-Security-Policy violations it meets (issue 33) to the test through a binding.
RECORD_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolation(`${event.violatedDirective} ${event.blockedURI || "inline"} at ${document.location.pathname}`);
});
"""


@pytest.fixture
def browser_page():
    """A Playwright page in Debian's chromium that records Content-Security-Policy violations
    (``page.csp_violations``); a journey that met one fails at teardown: staff-written text must never run as
    script, and no page of ours needs an inline script."""
    assert shutil.which(CHROMIUM) or os.path.exists(CHROMIUM), f"chromium not found at {CHROMIUM} (.ci/run installs it)"
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.csp_violations = []
            page.expose_binding("__cspViolation", lambda source, text: page.csp_violations.append(text))
            page.add_init_script(RECORD_CSP_VIOLATIONS)
            yield page
            assert page.csp_violations == [], page.csp_violations
        finally:
            browser.close()


@pytest.mark.django_db(transaction=True)
def test_graphiql_renders_and_runs_a_query_offline(live_server, browser_page, demo_campaign):
    # given: a browser that can reach nothing but the test server
    outside, failed = [], []
    browser_page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(live_server.url) else None)
    browser_page.on("requestfailed", lambda r: failed.append(r.url))
    # when: it opens GraphiQL with a query and runs it
    query = '{ viewer { campaign(domain: "metallica.localhost") { name } } }'
    browser_page.goto(f"{live_server.url}/graphql#query={query}")
    browser_page.wait_for_selector(".graphiql-container", timeout=15000)
    browser_page.click(".graphiql-execute-button")
    browser_page.wait_for_function(
        "() => document.querySelector('.result-window') && document.querySelector('.result-window').innerText.includes('WorldWired')",
        timeout=15000,
    )
    # then: the editor rendered, the query answered, and nothing was fetched from outside
    assert "Metallica - WorldWired Tour 2017" in browser_page.inner_text(".result-window")
    assert outside == []
    assert failed == []
    # and the page ran under the admin's Content-Security-Policy (no inline script) without a violation
    SHOTS.mkdir(parents=True, exist_ok=True)
    browser_page.set_viewport_size({"width": 1280, "height": 800})
    browser_page.screenshot(path=str(SHOTS / "graphiql-1280.png"))
    response = browser_page.request.get(f"{live_server.url}/graphql", headers={"Accept": "text/html"})
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert browser_page.csp_violations == []
