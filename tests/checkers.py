"""Accessibility checkers nobody here wrote, driven from the tests (tests/test_checkers.py).

- outloud (PyPI): PDF/UA-1 and WCAG 2.2 on a PDF, 91 rules against pdfua's 16;
- the Nu HTML Checker (vnu.jar, npm `vnu-jar`, needs java): HTML conformance, one JVM for all files;
- axe-core (npm `axe-core`) in headless Chromium (Debian `chromium`) through Playwright for Python,
  one browser for all pages;
- LibreOffice's PDF/UA export of a DOCX, checked with pdfua (tests/accessibility.py).

The npm packages are found in the repository's node_modules (`npm ci` installs the versions
package-lock.json pins). A missing checker skips the test with the reason, and fails it under
CI=true: .ci/run installs every one.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from conftest import ROOT, require_program

NODE_MODULES = ROOT / "node_modules"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"

# Properties only Outlook's Word engine reads (mso-line-height-rule, mso-table-lspace...): the mail
# needs them (writers/html/email.py), and vnu, knowing only the CSS standards, calls each an error.
VNU_IGNORED = r".*CSS: “mso-[a-z-]+”: Property “mso-[a-z-]+” doesn't exist.*"
# axe's rules at WCAG 2.2 A and AA and its best practices: every rule it has but the experimental.
# A mail body is shown inside the mail client's page, whose landmarks it joins: it is one
# role="article" (the Email Markup Consortium's advice), not a page with its own <main>.
MAIL_RULES_OFF = ("landmark-one-main", "region")
AXE_RUN = """async (off) => {
  const rules = Object.fromEntries(off.map(id => [id, {enabled: false}]));
  const result = await axe.run(document, {resultTypes: ["violations"], rules});
  return result.violations.map(v =>
    `${v.id} (${v.impact}, ${v.nodes.length}x): ${v.help}: ${v.nodes[0].html.slice(0, 160)}`);
}"""


def missing(what: str) -> None:
    """Skip, or fail under CI, which installs every checker."""
    message = f"{what} is not installed (CI installs it; see .ci/run)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


# outloud 0.2.1's ORD-001 (content painted out of tag order) lists each element's own marked content
# before its children's (outloud/rules/order.py over model.Document.elements), so every paragraph
# holding a link, an emphasis or a note reference mid-text reads as scrambled to it, and its count
# follows the page breaks. The reading order is checked through poppler (test_writers_pdf_tags.py).
OUTLOUD_SKIPPED = ("ORD-001",)


def outloud_findings(path: Path) -> tuple[list[str], Counter[str]]:
    """outloud's errors, each as "RULE page N: message" (a rule that crashed is one too: silence is
    not a pass), and its warnings counted by rule (a finding may stand for many places)."""
    try:
        from outloud import check
    except ImportError:
        missing("outloud (pip)")
    result = check(str(path), skip=OUTLOUD_SKIPPED)
    assert result.error is None, f"outloud could not read {path.name}: {result.error}"
    errors = [f"{run.rule} crashed: {run.reason}" for run in result.runs if run.status == "crashed"]
    warnings = Counter[str]()
    for finding in result.findings:
        if finding.severity == "error":
            errors.append(f"{finding.rule} page {finding.page}: {finding.message}: {finding.evidence or ''}")
        elif finding.severity == "warning":
            warnings[finding.rule] += finding.count
    return errors, warnings


def vnu_errors(files: list[Path]) -> dict[str, list[str]]:
    """The Nu HTML Checker's errors in each file (by name), from one run of vnu.jar over them all."""
    java = require_program("java")
    if not VNU_JAR.is_file():
        missing("vnu.jar (npm ci)")
    run = subprocess.run(
        [java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json", "--filterpattern", VNU_IGNORED]
        + [str(f) for f in files],
        capture_output=True,
        text=True,
        timeout=300,
    )
    found: dict[str, list[str]] = {f.name: [] for f in files}
    for message in json.loads(run.stderr)["messages"]:
        name = message.get("url", "").rsplit("/", 1)[-1]
        found.setdefault(name, []).append(f"{message.get('lastLine', '?')}: {message['message']}")
    return found


def axe_violations(files: list[Path]) -> dict[str, list[str]]:
    """axe-core's violations in each file (by name), each page loaded in one headless Chromium."""
    chromium = require_program("chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("playwright (pip)")
    if not AXE_JS.is_file():
        missing("axe-core (npm ci)")
    axe = AXE_JS.read_text(encoding="utf-8")
    found: dict[str, list[str]] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        for file in files:
            page.goto(file.as_uri())
            page.add_script_tag(content=axe)
            found[file.name] = page.evaluate(AXE_RUN, MAIL_RULES_OFF if file.name.endswith(".mail.html") else ())
        browser.close()
    return found
