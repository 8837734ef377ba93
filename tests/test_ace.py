"""Ace by DAISY finds no accessibility violation in our EPUBs (issue 15).

Ace (npm `@daisy/ace-cli`, installed by `.ci/run` with `--ignore-scripts` into the ignored
`.tools/node/`, or anywhere on PATH) checks an EPUB with axe-core in a browser; it is run
with Debian's `chromium` as `PUPPETEER_EXECUTABLE_PATH`, since its scripts, which would
download a browser, are not run. The test reads Ace's JSON report and asserts that it lists
no violation, for the technical fixture and for our own book; it skips, saying why, where
Ace or Chromium is missing.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT, built_copy, run_cli

pytestmark = pytest.mark.slow

#: where `.ci/run` installs Ace (npm's bin name for the package is ace-cli)
LOCAL_ACE = ROOT / ".tools" / "node" / "bin" / "ace-cli"


def _ace() -> str | None:
    found = shutil.which("ace") or shutil.which("ace-cli")
    return found or (str(LOCAL_ACE) if LOCAL_ACE.exists() else None)


def _violations(epub: Path, out: Path) -> tuple[str, list[str]]:
    """Ace's overall outcome and one line per violation it reports."""
    ace, chromium = _ace(), shutil.which("chromium")
    if ace is None:
        pytest.skip("Ace by DAISY is not installed (npm install -g --ignore-scripts @daisy/ace-cli; see .ci/run)")
    if chromium is None:
        pytest.skip("Debian's chromium is not installed; Ace needs a browser")
    env = {**os.environ, "PUPPETEER_EXECUTABLE_PATH": chromium}
    proc = subprocess.run([ace, "--silent", "--force", "--outdir", str(out), str(epub)],
                          capture_output=True, text=True, env=env, timeout=600)
    report = out / "report.json"
    assert report.exists(), proc.stdout + proc.stderr
    data = json.loads(report.read_text(encoding="utf-8"))
    found = [f"{doc['earl:testSubject']['url']}: {a['earl:test']['dct:title']} ({a['earl:test']['earl:impact']}): "
             f"{a['earl:result'].get('dct:description', '')}"
             for doc in data["assertions"] for a in doc.get("assertions", [])]
    return data["earl:result"]["earl:outcome"], found


def test_ace_finds_no_violation_in_our_book(tmp_path):
    result = run_cli("epub", "--out", str(tmp_path / "dist"))
    assert result.code == 0, result.err
    outcome, found = _violations(tmp_path / "dist" / "lei-jun.epub", tmp_path / "ace")
    assert not found, found
    assert outcome == "pass"


#: fixture books Ace reads: code and math; lists of figures and tables; every front- and back-matter
#: role (dedication, epigraph, foreword, preface, acknowledgements, afterword, glossary, about the
#: author and colophon, each with its epub:type and role, issue 16)
FIXTURES = [("technical", "numbers-and-programs.epub"), ("floats", "soup-and-bread.epub"),
            ("matter", "front-back-and-between.epub")]


@pytest.mark.parametrize(("case", "epub"), FIXTURES, ids=[case for case, _ in FIXTURES])
def test_ace_finds_no_violation_in_a_fixture(tmp_path, case, epub):
    book, _ = built_copy(tmp_path, case, "epub")
    outcome, found = _violations(book / "dist" / epub, tmp_path / "ace")
    assert not found, found
    assert outcome == "pass"
