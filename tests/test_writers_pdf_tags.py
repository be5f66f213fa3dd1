"""Tagged PDF (briefgen/writers/pdf/tags.py, structure.py): what a screen reader is given.

Every PDF the suite builds already passes pdfua (conftest.py). These tests read the structure
tree itself: through poppler's `pdfinfo -struct-text`, the model's headings, paragraphs, list
items, table cells and notes in the model's order; through pikepdf, the entries PDF/UA-1 asks
for (links described and tied to their elements, the logo's alternative, header cells' scope,
notes' IDs, running headers and footers as artifacts, the XMP identification).
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest

from briefgen.design import note_paragraphs, theme
from briefgen.model import (
    Box,
    Document,
    Emph,
    Heading,
    Inline,
    Link,
    ListBlock,
    Metadata,
    Note,
    Paragraph,
    Quote,
    Span,
    Strong,
    Table,
    Text,
    plain_text,
)
from briefgen.style import Style
from briefgen.writers import Assets
from briefgen.writers.pdf import write

from conftest import ROOT, SAMPLE, require_program

DATA = Path(__file__).parent / "data"
BLOCK_ROLES = {"P", "H1", "H2", "H3", "H4", "H5", "H6", "TH", "TD"}


# ---------------------------------------------------------------- the model's reading order


def _model_blocks(blocks) -> list[str]:
    """The texts a reader must meet, in the model's order: headings, paragraphs, cells."""
    out: list[str] = []
    for block in blocks:
        match block:
            case Heading(children=c) | Paragraph(children=c):
                out.append(plain_text(c))
            case ListBlock(items=items):
                for item in items:
                    out.extend(_model_blocks(item))
            case Table(header=header, rows=rows):
                out.extend(plain_text(cell) for row in (header, *rows) for cell in row)
            case Box(blocks=b) | Quote(blocks=b):
                out.extend(_model_blocks(b))
    return out


def _model_notes(blocks) -> list[str]:
    """Each note's text, numbered, in the order of its marker."""
    notes: list[str] = []

    def inlines(nodes: tuple[Inline, ...]) -> None:
        for node in nodes:
            match node:
                case Note(blocks=b):
                    notes.append(f"{len(notes) + 1} " + " ".join(plain_text(r) for r in note_paragraphs(b)))
                case Emph(children=c) | Strong(children=c) | Link(children=c) | Span(children=c):
                    inlines(c)

    def walk(blocks) -> None:
        for block in blocks:
            match block:
                case Heading(children=c) | Paragraph(children=c):
                    inlines(c)
                case ListBlock(items=items):
                    for item in items:
                        walk(item)
                case Table(header=header, rows=rows):
                    for row in (header, *rows):
                        for cell in row:
                            inlines(cell)
                case Box(blocks=b) | Quote(blocks=b):
                    walk(b)

    walk(blocks)
    return notes


# ---------------------------------------------------------------- what poppler reads


class Element:
    def __init__(self, role: str, depth: int) -> None:
        self.role, self.depth = role, depth
        self.kids: list[Element | str] = []

    def text(self, skip: frozenset[str] = frozenset()) -> str:
        return "".join(k if isinstance(k, str) else ("" if k.role in skip else k.text(skip)) for k in self.kids)


def struct_tree(pdf: Path) -> Element:
    """`pdfinfo -struct-text`, read back into elements and their text."""
    out = subprocess.run(
        [require_program("pdfinfo"), "-struct-text", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    root = Element("", -1)
    stack = [root]
    for line in out.splitlines():
        depth = len(line) - len(line.lstrip(" "))
        body = line.strip()
        if not body or body.startswith("/") or body.startswith("Object "):
            continue  # an attribute, or a link's annotation
        while stack[-1].depth >= depth:
            stack.pop()
        if body.startswith('"'):
            stack[-1].kids.append(body[1:-1])
            continue
        element = Element(re.match(r"[A-Za-z0-9]+", body).group(0), depth)
        stack[-1].kids.append(element)
        stack.append(element)
    return root


def _walk(element: Element):
    for kid in element.kids:
        if isinstance(kid, Element):
            yield kid
            if kid.role not in ("Note", "Reference"):
                yield from _walk(kid)


def _flat(text: str) -> str:
    """Words apart as the model has them: a line end is a space in the PDF's text too."""
    return " ".join(text.split())


def read_in_order(pdf: Path) -> tuple[list[str], list[str]]:
    """The block elements' own text (notes apart), and the notes', in the tree's order."""
    root = struct_tree(pdf)
    blocks = [e.text(frozenset({"Note", "Reference"})) for e in _walk(root) if e.role in BLOCK_ROLES]
    notes = []

    def find_notes(element: Element) -> None:
        for kid in element.kids:
            if isinstance(kid, Element):
                if kid.role == "Note":
                    notes.append(kid.text())
                find_notes(kid)

    find_notes(root)
    return blocks, notes


def _documents(brief: Path, bib: Path) -> dict[str, tuple[Document, bytes]]:
    """Each audience's document model and its PDF."""
    from briefgen.audience import load_audiences, search_path
    from briefgen.bibliography import load_bibliography
    from briefgen.build import make, plan
    from briefgen.loader import load_brief

    roots = search_path(ROOT / "templates")
    refs = load_bibliography(bib)
    loaded = load_brief(brief, keys=refs)
    jobs = plan(loaded, load_audiences(None, roots), ["pdf"], roots, refs)
    return {job.audience: (job.document, make(job).data) for job in jobs}


def _check_order(doc: Document, pdf: Path) -> None:
    blocks, notes = read_in_order(pdf)
    expected = [_flat(t) for t in _model_blocks(doc.blocks) if _flat(t)]
    found = [_flat(t) for t in blocks if _flat(t)]
    band = found[: len(found) - len(expected)]
    assert found[len(band) :] == expected  # every block, in the model's order, after the title band
    assert _flat(doc.meta.title) in band
    assert [_flat(n) for n in notes] == [_flat(n) for n in _model_notes(doc.blocks)]


@pytest.mark.parametrize("audience", ["academic", "policymaker", "practitioner", "press"])
def test_the_structure_tree_reads_the_sample_in_the_models_order(audience, tmp_path):
    doc, data = _documents(SAMPLE, ROOT / "references.bib")[audience]
    (tmp_path / "brief.pdf").write_bytes(data)
    _check_order(doc, tmp_path / "brief.pdf")


def test_the_structure_tree_reads_a_brief_nobody_tuned_for_in_order(tmp_path):
    """Five scripts, every citation form, notes holding lists (tests/data/briefs/field-notes.yaml)."""
    shutil.copy(DATA / "briefs" / "field-notes.yaml", tmp_path)
    shutil.copy(DATA / "biblatex-examples.bib", tmp_path)
    for audience, (doc, data) in _documents(tmp_path / "field-notes.yaml", tmp_path / "biblatex-examples.bib").items():
        (tmp_path / f"{audience}.pdf").write_bytes(data)
        _check_order(doc, tmp_path / f"{audience}.pdf")


def _long_table_document(rows: int = 90) -> Document:
    cells = tuple(
        ((Text(f"R{i}"),), (Text(f"Action {i} " + "with a longer description " * (i % 3)),), (Text("High"),))
        for i in range(1, rows + 1)
    )
    return Document(
        Metadata(title="Tables", language="de"),
        (
            Heading(1, (Text("Overview"),)),
            Table(((Text("No."),), (Text("Action"),), (Text("Priority"),)), cells),
            Paragraph((Text("After the table, a "), Link((Text("link"),), "https://example.org/x"), Text(" ends."))),
        ),
    )


def test_a_table_over_several_pages_is_read_once_with_its_header_cells_scoped(tmp_path):
    doc = _long_table_document()
    pdf = tmp_path / "t.pdf"
    pdf.write_bytes(write(doc, theme(Style()), Assets()).data)
    with pikepdf.open(pdf) as opened:
        assert len(opened.pages) >= 3
        stream = b"".join(p.Contents.read_bytes() for p in opened.pages[1:])
        assert b"/Artifact <</Type /Pagination>> BDC" in stream  # the header row repeated on later pages
    _check_order(doc, pdf)  # ... is not read again: each cell once, in order
    root = struct_tree(pdf)
    headers = [e for e in _walk(root) if e.role == "TH"]
    assert [h.text() for h in headers] == ["No.", "Action", "Priority"]
    out = subprocess.run([require_program("pdfinfo"), "-struct-text", str(pdf)], capture_output=True, text=True).stdout
    assert out.count("/Scope /Column") == 3


# ---------------------------------------------------------------- the PDF/UA entries


def _sample_pdf(audience: str) -> bytes:
    return _documents(SAMPLE, ROOT / "references.bib")[audience][1]


@pytest.fixture(scope="module")
def practitioner() -> pikepdf.Pdf:
    return pikepdf.open(io.BytesIO(_sample_pdf("practitioner")))


def test_the_catalog_declares_a_tagged_document_in_its_language(practitioner):
    root = practitioner.Root
    assert root.MarkInfo.Marked is True
    assert str(root.Lang) == "en"
    assert root.ViewerPreferences.DisplayDocTitle is True
    assert root.StructTreeRoot.K.S == "/Document"
    for i, page in enumerate(practitioner.pages):
        assert page.obj.StructParents == i
        assert page.obj.Tabs == "/S"


def test_the_xmp_declares_pdf_ua_1_with_the_title(practitioner):
    meta = practitioner.open_metadata()
    assert meta["pdfuaid:part"] == "1"
    assert meta["dc:title"].startswith("Kazakhstan")
    assert set(meta["dc:language"]) == {"en"}  # a bag: a set in pikepdf 10, a list in 8


def test_every_link_is_described_and_tied_to_its_link_element(practitioner):
    nums = list(practitioner.Root.StructTreeRoot.ParentTree.Nums)
    parents = dict(zip(nums[::2], nums[1::2], strict=True))
    links = 0
    for page in practitioner.pages:
        for annotation in page.obj.get("/Annots", []):
            links += 1
            assert str(annotation.Contents).strip()
            element = parents[int(annotation.StructParent)]
            assert element.S == "/Link"
            kids = element.K if isinstance(element.K, pikepdf.Array) else [element.K]
            assert any(isinstance(k, pikepdf.Dictionary) and k.get("/Obj") == annotation for k in kids)
    assert links > 60  # notes' markers and back links, DOIs and web addresses


def test_notes_are_note_elements_with_ids_read_right_after_their_reference(practitioner):
    root = practitioner.Root.StructTreeRoot
    names = list(root.IDTree.Names)
    ids = [str(n) for n in names[::2]]
    assert ids[:3] == ["note-1", "note-10", "note-11"]  # a name tree is sorted
    note = dict(zip(ids, names[1::2], strict=True))["note-1"]
    assert note.S == "/Note"
    siblings = list(note.P.K)
    at = next(i for i, k in enumerate(siblings) if k == note)
    assert siblings[at - 1].S == "/Reference"


def test_the_running_header_and_footer_are_pagination_artifacts(practitioner):
    first = practitioner.pages[0].Contents.read_bytes()
    later = practitioner.pages[1].Contents.read_bytes()
    assert b"/Artifact <</Type /Pagination /Subtype /Footer>> BDC" in first
    assert b"/Subtype /Header" not in first  # page one has the title band instead
    assert b"/Artifact <</Type /Pagination /Subtype /Header>> BDC" in later


def test_the_logo_is_a_figure_with_its_alternative_text_and_box(tmp_path):
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (120, 40), "#1F4E79").save(buf, "PNG")
    logo = buf.getvalue()
    doc = Document(Metadata(title="With a logo", organisation="OSCE"), (Paragraph((Text("Body."),)),))
    data = write(doc, theme(Style()), Assets(logo=logo, logo_type="image/png", logo_alt="OSCE Secretariat")).data
    with pikepdf.open(io.BytesIO(data)) as pdf:
        document = pdf.Root.StructTreeRoot.K
        figure = next(k for k in document.K if k.S == "/Figure")
        assert str(figure.Alt) == "OSCE Secretariat"
        layout = figure.A[0] if isinstance(figure.A, pikepdf.Array) else figure.A
        x1, y1, x2, y2 = (float(v) for v in layout.BBox)
        assert x2 > x1 and y2 > y1 and layout.O == "/Layout"
        assert b"/Figure <</MCID" in pdf.pages[0].Contents.read_bytes()


def test_a_list_reads_its_labels_and_bodies():
    doc = Document(
        Metadata(title="Lists"),
        (ListBlock(((Paragraph((Text("first"),)),), (Paragraph((Text("second"),)),)), ordered=True, start=3),),
    )
    data = write(doc, theme(Style()), Assets()).data
    with pikepdf.open(io.BytesIO(data)) as pdf:
        lst = next(k for k in pdf.Root.StructTreeRoot.K.K if k.S == "/L")
        assert lst.A.ListNumbering == "/Decimal"
        items = list(lst.K)
        assert [i.S for i in items] == ["/LI", "/LI"]
        assert [[k.S for k in i.K] for i in items] == [["/Lbl", "/LBody"], ["/Lbl", "/LBody"]]


def test_words_in_another_language_are_spans_with_their_lang_in_the_body_in_links_and_in_notes(tmp_path):
    from briefgen.markdown import parse_markdown

    blocks = parse_markdown(
        "Astana ([Астана *қаласы*]{lang=kk}) and [Genève](https://e.org/ge){lang=fr-CH}."
        "^[A note in [Ελληνικά]{lang=el}.]\n\n"
        + "A line long enough to wrap " * 6
        + "[across the line end of this paragraph]{lang=en-GB} too."
    )
    pdf = tmp_path / "spans.pdf"
    pdf.write_bytes(write(Document(Metadata(title="Spans", language="en"), blocks), theme(Style()), Assets()).data)
    spans = [e for e in _walk(struct_tree(pdf)) if e.role == "Span"]
    notes = [e for e in _walk(struct_tree(pdf)) if e.role == "Note"]
    wrapped = "across the line end of this paragraph"
    # the emphasis inside the first is an Em, which poppler shows as the Span /RoleMap maps it to
    assert [_flat(s.text()) for s in spans] == ["Астана қаласы", "қаласы", "Genève", wrapped]
    with pikepdf.open(pdf) as opened:
        found = {}

        def walk(node) -> None:
            k = node.get("/K")
            kids = [x for x in (k if isinstance(k, pikepdf.Array) else [k]) if isinstance(x, pikepdf.Dictionary)]
            if node.get("/S") == "/Span" and "/Lang" in node:
                found[str(node.Lang)] = [k.get("/S") for k in kids]
            for kid in kids:
                if "/S" in kid:
                    walk(kid)

        walk(opened.Root.StructTreeRoot)
    assert set(found) == {"kk", "fr-CH", "el", "en-GB"}
    assert found["fr-CH"] == ["/Link"]  # the link is read inside its language
    assert _flat(notes[0].text()).endswith("A note in Ελληνικά.")


def test_a_heading_that_skips_a_level_is_tagged_and_outlined_one_below_the_last(tmp_path):
    from briefgen.markdown import parse_markdown

    doc = Document(Metadata(title="Levels"), parse_markdown("# Context\n\n### Deep\n\n#### Deeper\n\n# Back\n"))
    pdf = tmp_path / "levels.pdf"
    pdf.write_bytes(write(doc, theme(Style()), Assets()).data)
    headings = [(e.role, e.text()) for e in _walk(struct_tree(pdf)) if re.fullmatch(r"H\d", e.role)]
    assert headings == [("H1", "Levels"), ("H2", "Context"), ("H3", "Deep"), ("H4", "Deeper"), ("H2", "Back")]
    with pikepdf.open(pdf) as opened, opened.open_outline() as outline:
        [context, back] = outline.root
        assert [k.title for k in context.children] == ["Deep"] and context.children[0].children[0].title == "Deeper"
        assert back.title == "Back"


def test_right_to_left_runs_are_spans_whose_actual_text_reads_in_order(tmp_path):
    """They are drawn turned round, so their drawn text reads backwards: /ActualText gives it in order."""
    from briefgen.markdown import parse_markdown

    source = "Hebrew [שלום עולם]{lang=he} and Arabic مرحبا بالعالم (عام 2010 م) end.^[ملاحظة: نعم]"
    pdf = tmp_path / "rtl.pdf"
    doc = Document(Metadata(title="RTL"), parse_markdown(source))
    pdf.write_bytes(write(doc, theme(Style()), Assets()).data)
    with pikepdf.open(pdf) as opened:
        actual = []

        def walk(node) -> None:
            if "/ActualText" in node:
                actual.append((str(node.S), str(node.ActualText), str(node.get("/Lang", ""))))
            k = node.get("/K")
            for kid in k if isinstance(k, pikepdf.Array) else [k]:
                if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                    walk(kid)

        walk(opened.Root.StructTreeRoot)
    assert actual == [
        ("/Span", "שלום עולם", ""),  # inside the span that gives its language
        ("/Span", "مرحبا بالعالم (عام 2010 م", ""),
        ("/Span", "ملاحظة: نعم", ""),
    ]
    [outer] = [e for e in _walk(struct_tree(pdf)) if e.role == "Span" and any(isinstance(k, Element) for k in e.kids)]
    assert outer.kids[0].role == "Span"


# ---------------------------------------------------------------- words kept apart at line ends


def test_a_line_broken_at_a_space_ends_with_one_a_split_word_and_the_last_line_do_not():
    from briefgen.writers.pdf.tags import spaces_at_line_ends

    text = "one two\u00a0three https://example.org/long/path four"
    lines = [("one", False), ("two\u00a0three https://exa", False), ("mple.org/long/path", False), ("four", False)]
    assert spaces_at_line_ends(text, lines) == [True, False, True, False]
    assert spaces_at_line_ends("Title:Sub", [("Title:", True), ("Sub", False)]) == [True, False]  # a <br/>
    # lines that do not hold the text (a shaped word reordered): every line but the last
    assert spaces_at_line_ends("ab cd", [("ba", False), ("cd", False)]) == [True, False]
    assert spaces_at_line_ends(None, [("ab", False), ("cd", False)]) == [True, False]


def test_a_paragraph_split_over_pages_keeps_the_space_its_first_part_ends_at():
    from briefgen.writers.pdf.tags import spaces_at_line_ends, split_text

    text = "alpha beta  gamma delta"
    lines = [("alpha beta", False), ("gamma", False), ("delta", False)]
    head, rest = split_text(text, lines, 1)
    assert (head, rest) == ("alpha beta ", "gamma delta")
    assert spaces_at_line_ends(head, lines[:1]) == [True]
    assert split_text("longword", [("long", False), ("word", False)], 1) == ("long", "word")
    assert split_text("ab", [("ba", False)], 1) == (None, None)


def test_the_text_read_out_keeps_words_apart_at_line_ends_and_long_words_whole(tmp_path):
    """Tagged PDF wants word breaks as characters (ISO 32000-1, 14.8.2.5); reportlab drops them at a line end."""
    url = "https://example.org/" + "a-very-long-path/" * 8 + "end"
    text = "Words that wrap at the end of a line and then go on " * 4 + url + " and after it."
    pdf = tmp_path / "wrap.pdf"
    doc = Document(Metadata(title="Line ends"), (Paragraph((Text(text),)),))
    pdf.write_bytes(write(doc, theme(Style()), Assets()).data)
    [para] = [e for e in _walk(struct_tree(pdf)) if e.role == "P"]
    assert para.text().strip() == text


# ---------------------------------------------------------------- what outloud asked for (issue 26)


def _elements(node, role: str):
    """Every structure element of `role` under `node` (pikepdf), in the tree's order."""
    k = node.get("/K")
    for kid in k if isinstance(k, pikepdf.Array) else [k]:
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            if str(kid.S) == f"/{role}":
                yield kid
            yield from _elements(kid, role)


def test_every_link_annotation_is_printed(practitioner):
    """/F 4, the Print flag, as Typst writes it: reportlab's 0 hides a link's box in print (outloud LNK-004)."""
    flags = [int(a.F) for page in practitioner.pages for a in page.obj.get("/Annots", [])]
    assert len(flags) > 60 and set(flags) == {4}


def test_a_notes_number_is_its_label_holding_the_link_back_to_its_marker(practitioner):
    """The Note's first kid is a Lbl (outloud NOTE-003: which reference a note answers)."""
    notes = list(_elements(practitioner.Root.StructTreeRoot, "Note"))
    assert len(notes) > 20
    for note in notes:
        label = note.K[0]
        assert label.S == "/Lbl" and label.K.S == "/Link"


def test_emphasis_and_strong_are_em_and_strong_elements_role_mapped_to_span():
    doc = Document(
        Metadata(title="Stress"),
        (Paragraph((Text("A "), Emph((Text("stressed"),)), Text(", a "), Strong((Text("strong"),)), Text(" word."))),),
    )
    with pikepdf.open(io.BytesIO(write(doc, theme(Style()), Assets()).data)) as pdf:
        root = pdf.Root.StructTreeRoot
        assert [len(list(_elements(root, role))) for role in ("Em", "Strong")] == [1, 1]
        assert dict(root.RoleMap.items()) == {"/Em": "/Span", "/Strong": "/Span"}
