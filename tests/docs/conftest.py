"""The docs tests' fixture: the built site, as a reader receives it.

``nox -s docs`` builds the site strictly into ``site/`` and then runs these tests
against it (``LINFIT_SITE=site``). Run on their own (``pytest tests/docs``), they
build the site first, exactly as ``nox -s docs`` does, into a temporary folder.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The built site: ``$LINFIT_SITE`` if set, else a strict build made now."""
    given = os.environ.get("LINFIT_SITE")
    if given:
        path = (ROOT / given).resolve()
        assert (path / "index.html").is_file(), f"LINFIT_SITE={given}: no site there"
        return path
    pytest.importorskip(
        "mkdocs", reason="the docs dependencies are installed by nox -s docs"
    )
    target = tmp_path_factory.mktemp("site")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "--site-dir",
            str(target),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        check=False,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    return target


CHROMIUM, DRIVER = shutil.which("chromium"), shutil.which("chromedriver")
BROWSER_MISSING = (
    "needs Debian's chromium and chromium-driver (apt-get install chromium "
    "chromium-driver); .ci/run installs them"
)


@pytest.fixture(scope="module")
def server(site: Path):
    """The built site, served from 127.0.0.1 as a reader's browser receives it."""
    handler = functools.partial(
        http.server.SimpleHTTPRequestHandler, directory=str(site)
    )
    handler.log_message = lambda *args: None  # type: ignore[method-assign]
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium at 1280 × 900, or a skip saying what is missing."""
    if CHROMIUM is None or DRIVER is None:
        pytest.skip(BROWSER_MISSING)
    webdriver = pytest.importorskip(
        "selenium.webdriver", reason="selenium is not installed"
    )
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1280,900",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    yield driver
    driver.quit()
