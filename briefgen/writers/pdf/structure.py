"""Tagged PDF, once drawn: the structure tree and the PDF/UA entries written into the file.

reportlab has no structure-tree API, so the file it wrote (whose content is already marked,
see `tags.py`) is opened with pikepdf and given what PDF/UA-1 asks of a tagged document:
the StructTreeRoot with its elements in the model's order, the ParentTree from each
marked-content identifier and link annotation back to its element, `/StructParents` and
`/Tabs /S` on every page, `/MarkInfo`, `/StructParent` and a `/Contents` description on
every link, and an XMP packet declaring PDF/UA-1. Streams are copied as they are (fonts are
not recompressed) and the file ID is derived from the content, so the bytes stay reproducible.
"""

from __future__ import annotations

import io
import time

import pikepdf
from pikepdf import Array, Dictionary, Name, Object, String

from ...model import Metadata
from ..common import meta_author
from .tags import Annotation, Marked, Node, StructTree

# Structure types PDF 2.0 added, which PDF/UA-1 (on PDF 1.7) reads through /RoleMap as a standard type
ROLE_MAP = {"Em": "Span", "Strong": "Span"}


def finish(data: bytes, tree: StructTree, meta: Metadata, epoch: int) -> bytes:
    """The PDF reportlab wrote, made a tagged PDF/UA-1 document."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        Writer(pdf, tree).write()
        root = pdf.Root
        root.MarkInfo = Dictionary(Marked=True)
        root.Lang = String(meta.language or "und")
        root.ViewerPreferences = Dictionary(DisplayDocTitle=True)
        for page in pdf.pages:
            page.obj.Tabs = Name.S
        _metadata(pdf, meta, epoch)
        out = io.BytesIO()
        pdf.save(
            out,
            deterministic_id=True,
            min_version="1.7",
            stream_decode_level=pikepdf.StreamDecodeLevel.none,
            object_stream_mode=pikepdf.ObjectStreamMode.generate,
        )
        return out.getvalue()


class Writer:
    """Writes the planned elements that hold content, and the ParentTree that finds them."""

    def __init__(self, pdf: pikepdf.Pdf, tree: StructTree) -> None:
        self.pdf, self.tree = pdf, tree
        self.pages = [p.obj for p in pdf.pages]
        self.by_mcid: list[dict[int, Dictionary]] = [{} for _ in self.pages]
        self.by_annotation: list[tuple[Object, Dictionary]] = []  # (annotation, its Link element)
        self.ids: list[tuple[str, Dictionary]] = []

    def write(self) -> None:
        orphans = [n for n in self.tree.nodes[1:] if not n.attached and _holds_content(n)]
        self.tree.root.kids.extend(orphans)  # drawn but never reached from the model: still read, at the end
        root = self.pdf.make_indirect(Dictionary(Type=Name.StructTreeRoot))
        document = self._element(self.tree.root, root)
        root.K = document
        # arrays are filled as Python lists and made once: extending a pikepdf Array copies it,
        # which made a brief with thousands of notes (two links each) quadratic here
        nums: list = []
        for i, page in enumerate(self.pages):
            page.StructParents = i
            mcids = self.by_mcid[i]
            elements = [mcids.get(m) for m in range(max(mcids, default=-1) + 1)]
            nums.extend([i, self.pdf.make_indirect(Array([e if e is not None else None for e in elements]))])
        for key, (annotation, element) in enumerate(self.by_annotation, start=len(self.pages)):
            annotation.StructParent = key
            nums.extend([key, element])
        root.ParentTree = self.pdf.make_indirect(Dictionary(Nums=Array(nums)))
        root.ParentTreeNextKey = len(self.pages) + len(self.by_annotation)
        if self.ids:
            names: list = []
            for ident, element in sorted(self.ids, key=lambda x: x[0].encode()):
                names.extend([String(ident), element])
            root.IDTree = self.pdf.make_indirect(Dictionary(Names=Array(names)))
        if roles := {n.role for n in self.tree.nodes} & set(ROLE_MAP):
            root.RoleMap = Dictionary({"/" + r: Name("/" + ROLE_MAP[r]) for r in sorted(roles)})
        self.pdf.Root.StructTreeRoot = root

    def _element(self, node: Node, parent: Dictionary) -> Dictionary:
        element = self.pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name("/" + node.role), P=parent))
        kids: list = []
        first_page: int | None = None
        for kid in node.kids:
            if isinstance(kid, Node):
                if _holds_content(kid) or kid.role in ("TD", "TH"):  # a table keeps its empty cells
                    kids.append(self._element(kid, element))
            elif isinstance(kid, Marked):
                if first_page is None:
                    first_page = kid.page
                    element.Pg = self.pages[kid.page]
                self.by_mcid[kid.page][kid.mcid] = element
                if kid.page == first_page:
                    kids.append(kid.mcid)
                else:
                    kids.append(Dictionary(Type=Name.MCR, Pg=self.pages[kid.page], MCID=kid.mcid))
            elif isinstance(kid, Annotation):
                annotation = self.pages[kid.page].Annots[kid.index]
                annotation.F = 4  # Print: a printed page shows what the screen does (reportlab writes 0)
                if node.contents:
                    annotation.Contents = String(node.contents)
                self.by_annotation.append((annotation, element))
                kids.append(Dictionary(Type=Name.OBJR, Obj=annotation, Pg=self.pages[kid.page]))
        element.K = kids[0] if len(kids) == 1 else Array(kids)  # one kid stands alone, as the standard allows
        if node.alt:
            element.Alt = String(node.alt)
        if node.lang:
            element.Lang = String(node.lang)
        if node.actual:
            element.ActualText = String(node.actual)
        if node.ident:
            element.ID = String(node.ident)
            self.ids.append((node.ident, element))
        if node.attributes:
            attributes = [_attributes(owner, pairs) for owner, pairs in node.attributes]
            element.A = attributes[0] if len(attributes) == 1 else Array(attributes)
        return element


def _holds_content(node: Node) -> bool:
    """Whether anything was drawn for the element or one below it (an unplaced element is left out)."""
    return any(not isinstance(k, Node) or _holds_content(k) for k in node.kids)


def _attributes(owner: str, pairs: tuple[tuple[str, object], ...]) -> Dictionary:
    attributes = Dictionary(O=Name("/" + owner))
    for key, value in pairs:
        if isinstance(value, str) and value.startswith("/"):
            attributes[Name("/" + key)] = Name(value)
        elif isinstance(value, tuple):
            attributes[Name("/" + key)] = Array([round(float(v), 3) for v in value])
        else:
            attributes[Name("/" + key)] = value
    return attributes


def _metadata(pdf: pikepdf.Pdf, meta: Metadata, epoch: int) -> None:
    """XMP saying what the document information says, and that the file is PDF/UA-1; no clock is read."""
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))
    info = pdf.docinfo
    with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as xmp:
        xmp["dc:title"] = meta.title
        if author := meta_author(meta):
            xmp["dc:creator"] = [author]
        xmp["dc:description"] = meta.subtitle or meta.title
        xmp["dc:language"] = [meta.language or "und"]
        if meta.keywords:
            xmp["dc:subject"] = list(meta.keywords)
            xmp["pdf:Keywords"] = ", ".join(meta.keywords)
        xmp["pdf:Producer"] = str(info.get("/Producer", ""))
        xmp["xmp:CreatorTool"] = str(info.get("/Creator", ""))
        xmp["xmp:CreateDate"] = stamp
        xmp["xmp:ModifyDate"] = stamp
        xmp["xmp:MetadataDate"] = stamp
        xmp["pdfuaid:part"] = "1"
