"""Print pages as a browser does: headless Chromium to PDF or DOM, poppler to count and read pages.

Chromium runs offline (every host name resolves to nothing, a dead proxy), with a fresh profile.
A missing tool skips the test locally with the reason and fails it in CI (CI=true), where
.ci/run installs chromium and poppler-utils.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import NoReturn

import pytest


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() not in ("", "0", "false", "no")


def missing(reason: str) -> NoReturn:
    if in_ci():
        pytest.fail(f"{reason} (CI must have it: .ci/run installs it)")
    pytest.skip(reason)


def tool(*names: str) -> str:
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    missing(f"{names[0]} is not installed (apt-get install chromium poppler-utils)")


OFFLINE = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--proxy-server=http://127.0.0.1:9",
)


def chromium(*args: str) -> subprocess.CompletedProcess[bytes]:
    browser = tool("chromium", "chromium-browser", "google-chrome")
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run(
            [browser, *OFFLINE, f"--user-data-dir={profile}", *args],
            capture_output=True,
            timeout=240,
            check=False,
        )


def print_pdf(page: Path, pdf: Path) -> None:
    proc = chromium("--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.resolve().as_uri())
    assert pdf.exists() and pdf.stat().st_size > 0, proc.stderr.decode(errors="replace")[-2000:]


def dump_dom(page: Path) -> str:
    proc = chromium("--dump-dom", page.resolve().as_uri())
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")[-2000:]
    return proc.stdout.decode()


def screenshot(page: Path, png: Path, size: str = "1400,1000") -> None:
    chromium(f"--screenshot={png}", f"--window-size={size}", page.resolve().as_uri())
    assert png.exists() and png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def pdf_info(pdf: Path) -> dict[str, str]:
    out = subprocess.run(
        [tool("pdfinfo"), str(pdf)], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in out.splitlines())}


def pdf_pages(pdf: Path) -> int:
    return int(pdf_info(pdf)["Pages"])


def pdf_text(pdf: Path, page: int) -> str:
    return subprocess.run(
        [tool("pdftotext"), "-f", str(page), "-l", str(page), "-layout", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
