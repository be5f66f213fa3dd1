"""Chicago formatting of one reference: full and short notes, bibliography entries, source lines.

Pure functions from a `Reference` to model inlines. The citation stage (`cite.py`)
decides which form goes where; this module decides how each form reads.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field

from .bibliography import Name, Reference
from .model import Emph, Inline, Link, Text

# ---------------------------------------------------------------- names and pieces


def _given_family(n: Name) -> str:
    if n.corporate:
        return n.family
    return " ".join(p for p in (n.given, n.particle, n.family) for p in [p] if p) + (
        f", {n.suffix}" if n.suffix else ""
    )


def _family_given(n: Name) -> str:
    if n.corporate:
        return n.family
    fam = f"{n.particle} {n.family}".strip()
    return f"{fam}, {n.given}" if n.given else fam


def _join(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    if len(names) == 2:
        return f"{names[0]} and {names[1]}"
    return ", ".join(names[:-1]) + ", and " + names[-1]


def _family(n: Name) -> str:
    return n.family if n.corporate else f"{n.particle} {n.family}".strip()


def creators(ref: Reference) -> tuple[tuple[Name, ...], str]:
    if ref.authors:
        return ref.authors, ""
    if ref.editors:
        return ref.editors, "ed." if len(ref.editors) == 1 else "eds."
    return (), ""


def short_author(ref: Reference) -> str:
    names, _ = creators(ref)
    if not names:
        return _short_title(ref)
    fams = [_family(n) for n in names]
    if len(fams) >= 4:
        return f"{fams[0]} et al."
    return _join(fams)


def _short_title(ref: Reference) -> str:
    """Chicago short title: up to four words of the main title, no ellipsis."""
    title = re.split(r"[:.?!]\s", ref.title, maxsplit=1)[0]
    return " ".join(title.split()[:4]).rstrip(",;")


def _is_container_italic(ref: Reference) -> bool:
    return ref.kind not in ("book", "report", "techreport", "thesis", "phdthesis", "mastersthesis")


def _date_text(ref: Reference) -> str:
    if ref.month.isdigit() and 1 <= int(ref.month) <= 12:
        month = calendar.month_name[int(ref.month)]
        return f"{month} {int(ref.day)}, {ref.year}" if ref.day.isdigit() else f"{month} {ref.year}"
    return ref.year


def locator_text(loc: str) -> str:
    """Chicago prints page locators bare: "p. 33" -> "33"; "ch. 2" stays."""
    return re.sub(r"^(pages|page|pp|p)\.?\s*", "", loc.strip()).replace("-", "–")


def _lower_first(text: str) -> str:
    """'Cited in …' -> 'cited in …' after a comma; acronyms ('OSCE …') keep their case."""
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def _link(ref: Reference) -> list[Inline]:
    if ref.doi:
        url = f"https://doi.org/{ref.doi}"
        return [Link((Text(url),), url)]
    if ref.url:
        return [Link((Text(ref.url),), ref.url)]
    return []


def _title_quoted(ref: Reference) -> bool:
    return ref.kind in (
        "article",
        "incollection",
        "inproceedings",
        "inbook",
        "online",
        "misc",
        "www",
        "unpublished",
        "newspaper",
    ) and bool(ref.container or ref.kind in ("online", "misc", "www"))


@dataclass
class Parts:
    """Builds a run of inlines, merging adjacent text."""

    out: list[Inline] = field(default_factory=list)

    def text(self, s: str) -> Parts:
        if s:
            if self.out and isinstance(self.out[-1], Text):
                self.out[-1] = Text(self.out[-1].text + s)
            else:
                self.out.append(Text(s))
        return self

    def emph(self, s: str) -> Parts:
        if s:
            self.out.append(Emph((Text(s),)))
        return self

    def extend(self, nodes: list[Inline]) -> Parts:
        for n in nodes:
            if isinstance(n, Text):
                self.text(n.text)
            else:
                self.out.append(n)
        return self


def _publication(ref: Reference) -> str:
    bits = ": ".join(b for b in (ref.place, ref.publisher or ref.institution) if b)
    return ", ".join(b for b in (bits, ref.year) if b)


def full_note(ref: Reference, locator: str) -> list[Inline]:
    """Chicago full note, e.g. Andrei Zagorski, "Title," *Journal* 20, no. 1 (2009): 3."""
    p = Parts()
    names, role = creators(ref)
    if names:
        shown = [_given_family(n) for n in names]
        p.text((f"{shown[0]} et al." if len(shown) >= 4 else _join(shown)) + (f", {role}" if role else "") + ", ")
    loc = locator_text(locator)
    if _title_quoted(ref):
        p.text(f"“{ref.title},” ")
        if ref.kind in ("incollection", "inproceedings", "inbook"):
            p.text("in ").emph(ref.container)
            if ref.editors:
                p.text(", ed. " + _join([_given_family(n) for n in ref.editors]))
            if ref.series:
                p.text(", " + ref.series + (f" {ref.number}" if ref.number else ""))
            pub = _publication(ref)
            p.text(f" ({pub})" if pub else "")
            p.text(f", {loc or ref.pages}" if (loc or ref.pages) else "")
        elif ref.kind == "article":
            p.emph(ref.container)
            p.text(f" {ref.volume}" if ref.volume else "")
            p.text(f", no. {ref.number}" if ref.number else "")
            p.text(f" ({_date_text(ref)})" if ref.year else "")
            p.text(f": {loc or ref.pages}" if (loc or ref.pages) else "")
        else:
            if ref.container:
                p.emph(ref.container)
            rest = [x for x in (_date_text(ref), loc) if x]
            if rest:
                p.text((", " if ref.container else "") + ", ".join(rest))
    else:
        p.emph(ref.title)
        pub = _publication(ref)
        p.text(f" ({pub})" if pub else "")
        p.text(f", {loc}" if loc else "")
    if ref.note:
        p.text(f", {_lower_first(ref.note)}")
    _tidy(p.out)
    link = _link(ref)
    if link:
        p.text(", " if not _ends_with(p.out, ", ") else "").extend(link)
    p.text(".")
    return _tidy(p.out)


def _ends_with(out: list[Inline], suffix: str) -> bool:
    return bool(out) and isinstance(out[-1], Text) and out[-1].text.endswith(suffix)


def _tidy(out: list[Inline]) -> list[Inline]:
    """Collapse doubled spaces and punctuation left by empty fields."""
    for i, node in enumerate(out):
        if isinstance(node, Text):
            text = re.sub(r"\s{2,}", " ", node.text)
            text = re.sub(r",\s*,", ",", text).replace(",.", ".").replace("..", ".").replace(" .", ".")
            out[i] = Text(text.lstrip() if i == 0 else text)
    return out


def short_note(ref: Reference, locator: str) -> list[Inline]:
    p = Parts()
    names, _ = creators(ref)
    if names:
        p.text(short_author(ref) + ", ")
    title = _short_title(ref)
    loc = locator_text(locator)
    if _title_quoted(ref):
        p.text(f"“{title},” {loc}." if loc else f"“{title}.”")
    else:
        p.emph(title)
        p.text(f", {loc}." if loc else ".")
    return p.out


def bibliography_entry(ref: Reference, author_date: bool, suffix: str = "") -> list[Inline]:
    """Chicago bibliography entry; author-date puts the year after the names."""
    p = Parts()
    names, role = creators(ref)
    if names:
        shown = [_family_given(names[0])] + [_given_family(n) for n in names[1:]]
        head = (f"{shown[0]} et al." if len(shown) > 10 else _join(shown)) + (f", {role}" if role else "")
        p.text(head if head.endswith(".") else head + ".")
    anonymous_first = author_date and not names
    if anonymous_first:  # "“Title.” 2007. …": the title takes the author's place
        if _title_quoted(ref):
            p.text(f"“{ref.title}.”")
        else:
            p.emph(ref.title)
            p.text(".")
    if author_date:
        p.text(f" {ref.year or 'n.d.'}{suffix}.")
    p.text(" " if names or author_date else "")
    if anonymous_first:
        pass  # the title is already printed
    elif _title_quoted(ref):
        p.text(f"“{ref.title}.” ")
        if ref.kind in ("incollection", "inproceedings", "inbook"):
            p.text("In ").emph(ref.container)
            if ref.editors:
                p.text(", edited by " + _join([_given_family(n) for n in ref.editors]))
            p.text(f", {ref.pages}" if ref.pages else "")
            p.text(". ")
            if ref.series:
                p.text(ref.series + (f" {ref.number}" if ref.number else "") + ". ")
            pub = ": ".join(b for b in (ref.place, ref.publisher or ref.institution) if b)
            p.text(pub + (", " if pub and not author_date else "") + ("" if author_date else ref.year) + ".")
        elif ref.kind == "article":
            p.emph(ref.container)
            p.text(f" {ref.volume}" if ref.volume else "")
            p.text(f", no. {ref.number}" if ref.number else "")
            if not author_date:
                p.text(f" ({_date_text(ref)})" if ref.year else "")
            p.text(f": {ref.pages}." if ref.pages else ".")
        else:
            if ref.container:
                p.emph(ref.container)
                p.text(". ")
            date = _date_text(ref)
            if date and (not author_date or date != ref.year):
                p.text(f"{date}.")
    else:
        if not anonymous_first:
            p.emph(ref.title)
            p.text(". ")
        pub = ": ".join(b for b in (ref.place, ref.publisher or ref.institution) if b)
        tail = ", ".join(b for b in (pub, "" if author_date else ref.year) if b)
        p.text(tail + "." if tail else "")
    if ref.note:
        p.text(f" {ref.note}.")
    link = _link(ref)
    if link:
        p.text(" ").extend(link).text(".")
    out = _tidy(p.out)
    if out and isinstance(out[-1], Text):
        out[-1] = Text(out[-1].text.rstrip())
    return out


def source_line(ref: Reference) -> list[Inline]:
    """Press "Sources": who, what, when, and where to read it."""
    p = Parts()
    who = short_author(ref) if creators(ref)[0] else ""
    p.text(f"{who}, " if who else "")
    p.text(f"“{ref.title}”")
    where = ref.container if _title_quoted(ref) else ref.publisher
    p.text(f", {where}" if where else "").text(f" ({ref.year})" if ref.year else "")
    link = _link(ref)
    if link:
        p.text(". ").extend(link)
    p.text(".")
    return p.out


def sorted_refs(keys: list[str], refs: dict[str, Reference]) -> list[Reference]:
    def key(ref: Reference) -> tuple[str, str, str]:
        names, _ = creators(ref)
        first = names[0].sort_key if names else ref.title.casefold()
        return (first, ref.year, ref.title.casefold())

    return sorted((refs[k] for k in keys), key=key)


def year_suffixes(keys: list[str], refs: dict[str, Reference]) -> dict[str, str]:
    """Author-date needs "2004a", "2004b" when one author has two works of a year."""
    groups: dict[tuple[str, str], list[Reference]] = {}
    for key in dict.fromkeys(keys):
        ref = refs[key]
        groups.setdefault((short_author(ref), ref.year), []).append(ref)
    out = {}
    for same in groups.values():
        if len(same) > 1:
            for i, ref in enumerate(sorted(same, key=lambda r: r.title.casefold())):
                out[ref.key] = "abcdefghijklmnopqrstuvwxyz"[i % 26]
    return out
