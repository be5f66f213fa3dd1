"""Hostile and careless input, end to end through the CLI (issue 12): bounded input, paths, links.

Each test is a way in that worked before: a 500-byte file that fills memory, a file name that
writes outside the output folder, a link in a .bib entry that runs a script.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner, Result

from briefgen.cli import cli
from briefgen.model import safe_url

from helpers_briefs import MINIMAL_BRIEF, REFERENCES_BIB

LAUGHS = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
"""


pytestmark = pytest.mark.workspace(briefs={}, bib=REFERENCES_BIB)  # each test writes its own brief


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


# ---------------------------------------------------------------- bounded input


def test_yaml_aliases_are_refused_before_they_expand(workspace: Path) -> None:
    Path("briefs/laughs.yaml").write_text(LAUGHS + MINIMAL_BRIEF, encoding="utf-8")
    result = run("check", "briefs/laughs.yaml")
    assert result.exit_code == 1
    assert result.output == "briefs/laughs.yaml:2:8: invalid YAML: aliases (*a) are not allowed; write the value out\n"


def test_an_alias_in_a_style_file_is_refused_too(workspace: Path) -> None:
    Path("briefs/b.yaml").write_text(MINIMAL_BRIEF, encoding="utf-8")
    Path("templates/mine").mkdir(parents=True)
    Path("templates/mine/style.yaml").write_text("extends: practitioner\nx: &x {a: 1}\nlabels: *x\n", "utf-8")
    result = run("check", "briefs/b.yaml")
    assert result.exit_code == 1
    assert "templates/mine/style.yaml:3:9: invalid YAML: aliases (*x) are not allowed" in result.output


def test_a_bibliography_that_is_not_a_regular_file_is_not_read(workspace: Path) -> None:
    Path("briefs/b.yaml").write_text("bibliography: /dev/zero\n" + MINIMAL_BRIEF, encoding="utf-8")
    result = run("check", "briefs/b.yaml")
    assert result.exit_code == 1
    assert "briefs/b.yaml:1:15: bibliography: '/dev/zero' is not a .bib file" in result.output


def test_an_oversized_brief_is_not_read(workspace: Path) -> None:
    Path("briefs/big.yaml").write_text(MINIMAL_BRIEF + "#" * 10_000_001 + "\n", encoding="utf-8")
    result = run("check", "briefs/big.yaml")
    assert result.exit_code == 1
    assert result.output == "briefs/big.yaml: larger than 10 MB; not read\n"


# ---------------------------------------------------------------- paths


def test_a_file_name_never_makes_an_id_that_leaves_the_output_folder(workspace: Path) -> None:
    Path("briefs/...yaml").write_text(MINIMAL_BRIEF, encoding="utf-8")
    result = run("build", "briefs/...yaml", "-a", "press", "-f", "html", "-o", "out")
    assert result.exit_code == 1
    assert result.output.startswith("briefs/...yaml:1:1: id: the file name gives no usable id; add `id:`")
    assert sorted(p.name for p in workspace.iterdir()) == ["briefs", "references.bib"]


def test_a_file_name_with_spaces_and_capitals_gives_a_clean_id(workspace: Path) -> None:
    Path("briefs/Water Brief (Draft) 2010.yaml").write_text(MINIMAL_BRIEF, encoding="utf-8")
    result = run("build", "-a", "press", "-f", "html")
    assert result.exit_code == 0, result.output
    assert (workspace / "out/water-brief-draft-2010/water-brief-draft-2010_press.html").is_file()


def test_two_briefs_with_one_id_is_an_error_naming_both(workspace: Path) -> None:
    Path("briefs/a.yaml").write_text("id: water\n" + MINIMAL_BRIEF, encoding="utf-8")
    Path("briefs/b.yaml").write_text("id: water\n" + MINIMAL_BRIEF.replace("Water,", "Other,"), encoding="utf-8")
    result = run("build", "-a", "press", "-f", "html")
    assert result.exit_code == 1
    assert "briefs/b.yaml: id: 'water' is also the id of briefs/a.yaml; its outputs would overwrite those" in (
        result.output
    )
    page = (workspace / "out/water/water_press.html").read_text("utf-8")
    assert "Water, borders" in page  # the first brief's outputs, untouched by the second


def test_a_logo_outside_the_audience_folder_is_refused(workspace: Path) -> None:
    from conftest import ROOT

    Path("briefs/b.yaml").write_text(MINIMAL_BRIEF, encoding="utf-8")
    Path("secret.png").write_bytes((ROOT / "briefgen/sample/logo.png").read_bytes())
    Path("templates/mine").mkdir(parents=True)
    Path("templates/mine/style.yaml").write_text("extends: practitioner\nlogo: ../../secret.png\n", "utf-8")
    result = run("build", "briefs/b.yaml", "-a", "mine", "-f", "html")
    assert result.exit_code == 1
    assert "templates/mine/style.yaml:2:7: logo: '../../secret.png' is outside this audience's folder" in (
        result.output
    )


# ---------------------------------------------------------------- links

HOSTILE_BIB = (
    REFERENCES_BIB
    + """
@misc{evil1, author = {Mallory, M.}, title = {Script}, year = {2020}, url = {javascript:alert(1)}}
@misc{evil2, author = {Mallory, M.}, title = {File}, year = {2020}, url = {file:///etc/passwd}}
@misc{good, author = {Doe, J.}, title = {Report}, year = {2020}, url = {https://example.org/report}}
"""
)
HOSTILE_LINKS_BRIEF = MINIMAL_BRIEF.replace(
    "Astana can make a difference here [@doe2020].",
    "See [the file](pdf:/etc/x.pdf), [this](file:///etc/passwd), [that](JavaScript:alert(2)), "
    "[a DOI](doi:10.1000/182) and [the web](https://example.org/) [@evil1; @evil2; @good].",
)


@pytest.mark.parametrize("audience", ["practitioner", "academic"])
def test_only_web_mail_doi_and_internal_links_reach_any_output(workspace: Path, audience: str) -> None:
    Path("references.bib").write_text(HOSTILE_BIB, encoding="utf-8")
    Path("briefs/links.yaml").write_text(HOSTILE_LINKS_BRIEF, encoding="utf-8")
    result = run("build", "briefs/links.yaml", "-a", audience, "-f", "pdf", "-f", "docx", "-f", "html")
    assert result.exit_code == 0, result.output
    folder = workspace / "out/links"
    pdf = pypdf.PdfReader(folder / f"links_{audience}.pdf")
    targets = []
    for page in pdf.pages:
        for annot in page.get("/Annots") or []:
            action = annot.get_object().get("/A") or {}
            assert action.get("/S") in (None, "/URI", "/GoTo"), action  # never /GoToR, /Launch, /JavaScript
            if action.get("/URI"):
                targets.append(str(action["/URI"]))
    with zipfile.ZipFile(folder / f"links_{audience}.docx") as z:
        rels = "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".rels"))
    external = re.findall(r'Target="([^"]+)"[^>]*TargetMode="External"', rels)
    html = (folder / f"links_{audience}.html").read_text("utf-8")
    hrefs = [h for h in re.findall(r'href="([^"]+)"', html) if not h.startswith("#")]
    for found in (targets, external, hrefs):
        assert set(found) >= {"https://doi.org/10.1000/182", "https://example.org/"}
        assert all(u.startswith(("https://", "mailto:")) for u in found), found
    text = "".join(page.extract_text() for page in pdf.pages)
    assert "the file" in text and "javascript" not in text.lower() and "file:///" not in text
    assert "/etc/passwd" not in io.BytesIO((folder / f"links_{audience}.pdf").read_bytes()).getvalue().decode("latin-1")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.org/a b", "https://example.org/a%20b"),
        ("doi:10.1000/182", "https://doi.org/10.1000/182"),
        ("mailto:desk@example.org", "mailto:desk@example.org"),
        ("#fn1", "#fn1"),
        ("javascript:alert(1)", None),
        (" JaVaScRiPt:alert(1)", None),
        ("data:text/html,<script>", None),
        ("file:///etc/passwd", None),
        ("pdf:/etc/x.pdf", None),
        ("x.pdf", None),
        ("//evil.example.org/x", None),
        ("https://", None),
    ],
)
def test_the_one_link_rule(url: str, expected: str | None) -> None:
    assert safe_url(url) == expected


# ---------------------------------------------------------------- what check accepts, build builds


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (("group: Regional security", "group: Follow @nokey"), "recommendations[0].group"),
        (
            ("priority: high", 'priority: high\n        actors: ["OSCE [@nokey]"]'),
            "recommendations[0].items[0].actors[0]",
        ),
        (("timeframe: 2010", 'timeframe: "2010 [@nokey]"'), "recommendations[0].items[0].timeframe"),
    ],
)
def test_citations_in_groups_actors_and_timeframes_are_checked(workspace: Path, change, field) -> None:
    (workspace / "briefs" / "b.yaml").write_text(MINIMAL_BRIEF.replace(*change), encoding="utf-8")
    for command in ("check", "build"):
        result = run(command, "briefs/b.yaml")
        assert result.exit_code == 1, result.output
        assert f"{field}: unknown citation key '@nokey'" in result.output
        assert "internal error" not in result.output
    assert not (workspace / "out").exists()


def test_a_cited_group_heading_builds_in_every_audience_and_format(workspace: Path) -> None:
    brief = MINIMAL_BRIEF.replace("group: Regional security", "group: Security after @doe2020")
    (workspace / "briefs" / "b.yaml").write_text(brief, encoding="utf-8")
    assert run("check", "briefs/b.yaml").exit_code == 0
    result = run("build", "briefs/b.yaml", "-f", "pdf", "-f", "docx", "-f", "txt")
    assert result.exit_code == 0, result.output
    assert "Security after Doe" in (workspace / "out" / "b" / "b_practitioner.txt").read_text(encoding="utf-8")


def test_check_runs_every_template_so_a_template_citing_an_unknown_key_fails_there(workspace: Path) -> None:
    folder = workspace / "templates" / "lab"
    folder.mkdir(parents=True)
    (folder / "style.yaml").write_text("extends: practitioner\n", encoding="utf-8")
    (folder / "brief.md.j2").write_text("# {{ brief.title }}\n\nAs shown [@nokey].\n", encoding="utf-8")
    (workspace / "briefs" / "b.yaml").write_text(MINIMAL_BRIEF, encoding="utf-8")
    for command in ("check", "build"):
        result = run(command, "briefs/b.yaml")
        assert result.exit_code == 1, result.output
        assert "lab/brief.md.j2: the template's output cites @nokey, which no bibliography holds" in result.output


def test_a_runaway_template_fails_check_and_build_with_its_file(workspace: Path, monkeypatch) -> None:
    monkeypatch.setattr("briefgen.render.TIME_LIMIT_S", 1.0)
    folder = workspace / "templates" / "lab"
    folder.mkdir(parents=True)
    (folder / "style.yaml").write_text("extends: practitioner\n", encoding="utf-8")
    (folder / "brief.md.j2").write_text(
        "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}", encoding="utf-8"
    )
    (workspace / "briefs" / "b.yaml").write_text(MINIMAL_BRIEF, encoding="utf-8")
    result = run("check", "briefs/b.yaml")
    assert result.exit_code == 1
    assert "brief.md.j2" in result.output and "took longer than 1 s" in result.output


# ---------------------------------------------------------------- bad input is an error a person can act on


@pytest.mark.parametrize(
    ("escape", "code"),
    [(r"\x1b", "U+001B"), (r"\v", "U+000B"), (r"\ud800", "U+D800"), (r"\uffff", "U+FFFF"), (r"\x92", "U+0092")],
)
def test_control_and_invalid_characters_in_a_brief_are_refused_where_they_stand(workspace: Path, escape, code) -> None:
    brief = MINIMAL_BRIEF.replace("title: Water, borders and the OSCE", f'title: "Water{escape} and the OSCE"')
    (workspace / "briefs" / "b.yaml").write_text(brief, encoding="utf-8")
    for command in ("check", "build"):
        result = run(command, "briefs/b.yaml")
        assert result.exit_code == 1
        assert f"briefs/b.yaml:1:8: title: control or invalid character {code} at character 6" in result.output


def _lab_style(workspace: Path, style: str) -> None:
    folder = workspace / "templates" / "lab"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "style.yaml").write_text("extends: practitioner\n" + style, encoding="utf-8")


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("header: 'Draft {v2'", "header: 'Draft {v2': expected '}' before end of string"),
        ("footer: '{titel} · {date}'", "footer: unknown field {titel} (did you mean 'title'?)"),
        ("header: '{title!r:>9}'", "header: write {title} without a format or conversion"),
    ],
)
def test_a_header_or_footer_pattern_that_cannot_be_filled_is_an_error_at_its_line(workspace, line, message) -> None:
    _lab_style(workspace, line + "\n")
    (workspace / "briefs" / "b.yaml").write_text(MINIMAL_BRIEF, encoding="utf-8")
    result = run("build", "briefs/b.yaml", "-a", "lab")
    assert result.exit_code == 1
    assert f"templates/lab/style.yaml:2:9: {message}" in result.output
    assert "internal error" not in result.output


def test_a_literal_brace_in_a_header_prints(workspace: Path) -> None:
    _lab_style(workspace, "header: 'Draft {{v2}} of {organisation}'\n")
    brief = MINIMAL_BRIEF.replace("date:", "organisation: OSCE Academy\ndate:")
    (workspace / "briefs" / "b.yaml").write_text(brief, encoding="utf-8")
    assert run("build", "briefs/b.yaml", "-a", "lab", "-f", "txt").exit_code == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not a picture at all", "not an image"),
        ("truncated", "a damaged image"),
        ("gif", "a GIF image; use PNG or JPEG"),
        ("bare jpeg", "not an image"),  # no JFIF or Exif segment: python-docx cannot place it in a DOCX
    ],
)
def test_a_fake_or_damaged_logo_is_an_error_in_the_style_file(workspace: Path, content, message) -> None:
    from PIL import Image

    sample = (Path(__file__).parent.parent / "briefgen" / "sample" / "logo.png").read_bytes()
    if content == "truncated":
        content = sample[: len(sample) // 2]
    elif content == "gif":
        buffer = io.BytesIO()
        Image.new("RGB", (8, 8)).save(buffer, "GIF")
        content = buffer.getvalue()
    elif content == "bare jpeg":
        content = _jpeg_without_its_app0_segment()
    _lab_style(workspace, "logo: logo.png\nlogo_alt: Lab emblem\n")
    (workspace / "templates" / "lab" / "logo.png").write_bytes(content)
    (workspace / "briefs" / "b.yaml").write_text(MINIMAL_BRIEF, encoding="utf-8")
    result = run("build", "briefs/b.yaml", "-a", "lab")
    assert result.exit_code == 1
    assert f"templates/lab/style.yaml:2:7: logo: 'logo.png': {message}" in result.output
    assert not (workspace / "out").exists()


def _jpeg(**save_options) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), "navy").save(buffer, "JPEG", **save_options)
    return buffer.getvalue()


def _jpeg_without_its_app0_segment() -> bytes:
    """A JPEG Pillow decodes but python-docx does not recognise: SOI, then straight to the tables."""
    data = _jpeg()
    assert data[2:4] == b"\xff\xe0" and data[6:10] == b"JFIF"
    return data[:2] + data[4 + int.from_bytes(data[4:6], "big") :]


@pytest.mark.parametrize("kind", ["JFIF", "Exif"])
def test_a_jfif_or_exif_logo_is_placed_in_the_docx_and_checking_it_imports_no_python_docx(workspace, kind) -> None:
    """The style's logo is checked with Pillow alone; the python-docx the DOCX writer uses then accepts it."""
    from PIL import Image

    exif = Image.Exif()
    exif[0x0131] = "briefgen tests"  # Software
    data = _jpeg() if kind == "JFIF" else _jpeg(exif=exif.tobytes())
    if kind == "Exif":
        data = data[:2] + data[4 + int.from_bytes(data[4:6], "big") :]  # Pillow wrote APP0 first: Exif leads now
    assert data[6:10] == kind.encode()
    _lab_style(workspace, "logo: logo.jpg\nlogo_alt: Lab emblem\n")
    (workspace / "templates" / "lab" / "logo.jpg").write_bytes(data)
    (workspace / "briefs" / "b.yaml").write_text(MINIMAL_BRIEF, encoding="utf-8")
    script = (
        "import sys\nfrom briefgen.cli import cli\n"
        "try:\n    cli(['-q', 'build', 'briefs/b.yaml', '-a', 'lab', '-f', 'txt'], prog_name='briefgen')\n"
        "except SystemExit as e:\n    assert not e.code, e.code\n"
        "print('docx' in sys.modules)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent)}
    checked = subprocess.run([sys.executable, "-c", script], cwd=workspace, capture_output=True, text=True, env=env)
    assert checked.stdout.strip() == "False", checked.stdout + checked.stderr
    result = run("build", "briefs/b.yaml", "-a", "lab", "-f", "docx", "--force")
    assert result.exit_code == 0, result.output
    (docx,) = (workspace / "out").rglob("*.docx")
    assert any(name.endswith(".jpg") for name in zipfile.ZipFile(docx).namelist())


def test_a_year_before_1000_is_refused_at_the_date(workspace: Path) -> None:
    (workspace / "briefs" / "b.yaml").write_text(MINIMAL_BRIEF.replace("2010-01-15", "0999-01-15"), encoding="utf-8")
    result = run("check", "briefs/b.yaml")
    assert result.exit_code == 1
    assert "briefs/b.yaml:2:7: date: '0999-01-15': a year before 1000" in result.output


@pytest.mark.parametrize("value", ["99999999999999", "yesterday"])
def test_an_impossible_source_date_epoch_is_a_one_line_error(workspace: Path, monkeypatch, value: str) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    (workspace / "briefs" / "b.yaml").write_text(MINIMAL_BRIEF, encoding="utf-8")
    result = run("build", "briefs/b.yaml", "-a", "press", "-f", "pdf")
    assert result.exit_code == 1
    assert f"SOURCE_DATE_EPOCH={value}: not a time in seconds between 1970 and 9999" in result.output
    assert not list((workspace / "out").rglob("*.pdf")) if (workspace / "out").exists() else True


def test_a_brief_dated_after_2107_builds_a_docx(workspace: Path) -> None:
    (workspace / "briefs" / "b.yaml").write_text(MINIMAL_BRIEF.replace("2010-01-15", "2108-01-15"), encoding="utf-8")
    result = run("build", "briefs/b.yaml", "-a", "press", "-f", "docx")
    assert result.exit_code == 0, result.output
    core = zipfile.ZipFile(workspace / "out" / "b" / "b_press.docx").read("docProps/core.xml").decode()
    assert "2108-01-15" in core


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("title: a\x00b\n", "briefs/b.yaml:1:9: control or invalid character U+0000; remove it"),
        ("title: x\n~: 1\ntrue: 2\n", "briefs/b.yaml:3:1: true: unknown key 'true'"),
        ("title: x\n? [a]\n: 3\n", "briefs/b.yaml:2:3: invalid YAML: a key must be a plain name"),
    ],
)
def test_yaml_the_parser_refuses_or_keys_that_are_not_names_are_one_line_errors(workspace: Path, text, expected):
    (workspace / "briefs" / "b.yaml").write_bytes(text.encode("utf-8"))
    result = run("check", "briefs/b.yaml")
    assert result.exit_code == 1
    assert expected in result.output
    assert "internal error" not in result.output


@pytest.mark.parametrize("value", ["!!float ''", "!!int x", "!!bool maybe"])
def test_a_tagged_value_pyyaml_cannot_read_is_a_one_line_error(workspace: Path, value: str) -> None:
    (workspace / "briefs" / "b.yaml").write_text(f"title: x\nseries: {value}\n", encoding="utf-8")
    result = run("check", "briefs/b.yaml")
    assert result.exit_code == 1
    assert "briefs/b.yaml: invalid YAML: a tagged value cannot be read" in result.output


@pytest.mark.parametrize(
    ("line", "field"),
    [('id: "abc\\n"', "id"), ('language: "en\\n"', "language")],
)
def test_a_trailing_newline_never_passes_a_pattern(workspace: Path, line: str, field: str) -> None:
    (workspace / "briefs" / "b.yaml").write_text(MINIMAL_BRIEF + line + "\n", encoding="utf-8")
    result = run("build", "briefs/b.yaml", "-a", "press", "-f", "txt")
    assert result.exit_code == 1
    assert f"{field}: " in result.output and "has characters not allowed here" in result.output
    assert not (workspace / "out").exists()


@pytest.mark.parametrize("reader", ["libyaml", "pyyaml"])
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "title: " + "[" * 200_000 + "\n",
            "briefs/b.yaml:1:107: invalid YAML: lists and mappings nested more than 100 deep",
        ),
        (
            "title: " + "{a: " * 500 + "\n",
            "briefs/b.yaml:1:404: invalid YAML: lists and mappings nested more than 100 deep",
        ),
        (LAUGHS, "briefs/b.yaml:2:8: invalid YAML: aliases (*a) are not allowed; write the value out"),
        (
            "title: x\n? [a]\n: 3\n",
            "briefs/b.yaml:2:3: invalid YAML: a key must be a plain name, not a list or mapping",
        ),
    ],
)
def test_deep_nesting_and_aliases_are_one_line_errors_with_either_yaml_reader(
    workspace, monkeypatch, reader, text, expected
):
    """libyaml's own composer dies of a 200,000-deep `[[[`; PyYAML's raised RecursionError (an internal error)."""
    from briefgen import yamlsource

    if reader == "pyyaml":
        monkeypatch.setattr(yamlsource, "_CParser", None)
    (workspace / "briefs" / "b.yaml").write_text(text, encoding="utf-8")
    result = run("check", "briefs/b.yaml")
    assert result.exit_code == 1
    assert result.output == expected + "\n"
