"""One process building brief after brief (a build server, `watch`) makes the bytes a fresh process makes.

The writers and stages keep what does not change between builds (styles found by name, word
widths, fields' citations and first sentences, by their text): a build after another must not
see anything of the one before. Here the sample, then the sample edited, then the sample again,
are built in this process and each compared with a build of the same files in a fresh one.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "briefs" / "kazakhstan-osce-2010.yaml"
AUDIENCES = ("practitioner", "academic")
FORMATS = ("docx", "pdf", "md")

# Builds a brief (argv[1]) for AUDIENCES x FORMATS and prints each output's digest: the same code runs here
# for the process that builds one brief after another, and in a fresh interpreter for each brief alone.
BUILD = """
import hashlib, json, sys
from pathlib import Path
from briefgen.audience import load_audiences, search_path
from briefgen.bibliography import load_bibliography
from briefgen.build import build
from briefgen.loader import load_brief

def digests(path, root, audiences, formats):
    roots = search_path(root / "templates")
    refs = load_bibliography(root / "references.bib")
    outputs = build(load_brief(path, keys=refs), load_audiences(list(audiences), roots), list(formats), roots, refs)
    return {o.relative_path.name: hashlib.sha256(o.data).hexdigest() for o in outputs}
"""


def _edited(text: str) -> str:
    """The sample with a recommendation's rationale (its first sentence), a citation and the title changed."""
    edited = text.replace("Water is the region’s most combustible dispute.", "Water divides the region most.")
    edited = edited.replace("[@zagorski2009].\n", "[@hamm2006].\n", 1)
    edited = edited.replace("Where Astana Can Make a Difference", "What Astana Can Change")
    assert edited.count("Water divides") == 1 and edited != text
    return edited


def _in_this_process(paths: list[Path]) -> list[dict[str, str]]:
    namespace: dict = {}
    exec(BUILD, namespace)
    return [namespace["digests"](path, ROOT, AUDIENCES, FORMATS) for path in paths]


def _fresh(path: Path) -> dict[str, str]:
    call = f"{BUILD}\nprint(json.dumps(digests(Path({str(path)!r}), Path({str(ROOT)!r}), {AUDIENCES!r}, {FORMATS!r})))"
    done = subprocess.run([sys.executable, "-c", call], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def test_a_brief_built_after_others_in_one_process_is_built_as_in_a_fresh_one(tmp_path: Path):
    original, edited = tmp_path / "a" / SAMPLE.name, tmp_path / "b" / SAMPLE.name
    for path, text in ((original, SAMPLE.read_text(encoding="utf-8")), (edited, _edited(SAMPLE.read_text("utf-8")))):
        path.parent.mkdir()
        path.write_text(text, encoding="utf-8")
    warm = _in_this_process([original, edited, original])
    cold_original, cold_edited = _fresh(original), _fresh(edited)
    assert len(cold_original) == len(AUDIENCES) * len(FORMATS)
    assert cold_original != cold_edited  # the edit shows in every output
    assert all(cold_original[name] != cold_edited[name] for name in cold_original)
    assert warm == [cold_original, cold_edited, cold_original]


def test_a_document_is_kept_by_its_markdown_unless_it_is_longer_than_a_brief():
    from briefgen import markdown
    from briefgen.select import first_sentence

    short = '# Title\n\nWords "quoted" [@doe2020] and a note.^[Its text.]\n\n::: box\nIn a box.\n:::\n'
    markdown._kept_parse.cache_clear()
    first = markdown.parse_markdown(short, "fr")
    assert markdown.parse_markdown(short, "fr") is first  # kept
    assert markdown.parse_markdown(short, "en") == markdown._parse(short, "en")[0]  # by language too
    assert markdown.parse_markdown(short, "en") != first  # French quotation marks are not English ones
    long = short * (markdown.DOCUMENT_KEPT_CHARS // len(short) + 1)
    assert markdown.parse_markdown(long) == markdown._parse(long)[0]
    assert markdown._kept_parse.cache_info().currsize == 2  # the long text is not kept
    markdown.parse_inline("A *title* not kept among documents")
    first_sentence("A rationale's first sentence. Its second.", "en")
    assert markdown._kept_parse.cache_info().currsize == 2  # fields do not push documents out
