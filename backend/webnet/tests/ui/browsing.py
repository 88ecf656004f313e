"""Shared steps of the browser tests (the `browser` fixture lives in test_browser.py)."""

from typing import Any

from webnet.tests.factories import DEFAULT_PASSWORD


def log_in(browser: Any, base: str, username: str, **context: Any) -> Any:
    """A new page (optionally in a context with e.g. `timezone_id`) logged in as `username`."""
    page = browser.new_context(**context).new_page() if context else browser.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEFAULT_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
    return page
