"""GraphiQL renders in a real browser with the network cut off (only the test server is reachable)."""

import os
import shutil

import pytest

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


@pytest.fixture
def browser_page():
    assert shutil.which(CHROMIUM) or os.path.exists(CHROMIUM), f"chromium not found at {CHROMIUM} (.ci/run installs it)"
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser.new_page()
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
