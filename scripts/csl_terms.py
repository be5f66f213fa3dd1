"""Write briefgen/locales/csl_terms.json: the citation terms briefgen prints, from the CSL locale files.

The Citation Style Language locales (github.com/citation-style-language/locales, CC BY-SA 3.0,
citationstyles.org) are the wording Zotero, pandoc's citeproc and Mendeley print; taking ours
from them keeps "Ibid.", "n.d.", "ed.", "and" and "In" as those tools write them in each language.

    python scripts/csl_terms.py LOCALES-CHECKOUT   # a work tree, or a bare git repository (read at HEAD)
"""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

NS = {"csl": "http://purl.org/net/xbiblio/csl"}
LOCALES = {"en": "en-US", "fr": "fr-FR", "de": "de-DE", "it": "it-IT", "ru": "ru-RU", "es": "es-ES"}
TARGET = Path(__file__).resolve().parent.parent / "briefgen" / "locales" / "csl_terms.json"
NOTICE = TARGET.parent / "NOTICE-CSL.txt"
NOTICE_TEXT = """\
briefgen/locales/csl_terms.json holds citation terms ("ibid.", "n.d.", "ed.", "and", "in", ...)
taken from the locale files of the Citation Style Language project (CSL),
https://citationstyles.org/ -- https://github.com/citation-style-language/locales
(commit {commit}), by scripts/csl_terms.py.

The CSL locale files are released under the Creative Commons Attribution-ShareAlike 3.0
Unported license, https://creativecommons.org/licenses/by-sa/3.0/ ; so is the extract in
csl_terms.json. Its Kazakh (kk) and Uzbek (uz) terms are not from CSL, which has no locale
for either language: they were written for briefgen (see scripts/csl_terms.py).

Translators named in the CSL locale files the extract comes from, kept as listed there:
{translators}
"""

# (our name, CSL term, form, single or multiple or None for a plain term)
WANTED = (
    ("ibid", "ibid", "long", None),
    ("no_date", "no date", "short", None),
    ("and", "and", "long", None),
    ("in", "in", "long", None),
    ("et_al", "et-al", "long", None),
    ("accessed", "accessed", "long", None),
    ("editor", "editor", "short", "single"),
    ("editors", "editor", "short", "multiple"),
    ("translator", "translator", "short", "single"),
    ("edited_by", "editor", "verb", None),
    ("translated_by", "translator", "verb", None),
    ("volume", "volume", "short", "single"),
    ("volumes", "volume", "short", "multiple"),
    ("page", "page", "short", "single"),
    ("pages", "page", "short", "multiple"),
)

# CSL has no Kazakh or Uzbek locale. These few terms are written by hand as Kazakh- and
# Uzbek-language scholarly publishing abbreviates them under GOST 7.1 / 7.0.5 (the standard
# both countries' references follow): "Сонда" and "Oʻsha manba" for ibid., "т.б." / "va boshq."
# for et al., "ред." / "tahr." for an editor, "ауд." / "tarj." for a translator, "т." / "j."
# (том, jild) for a volume, "б." / "b." (бет) for a page.
HAND_WRITTEN = {
    "kk": {
        "ibid": "сонда",
        "no_date": "жылы жоқ",
        "and": "және",
        "in": "кітапта:",
        "et_al": "т.б.",
        "accessed": "қаралған күні",
        "editor": "ред.",
        "editors": "ред.",
        "translator": "ауд.",
        "edited_by": "ред.",
        "translated_by": "ауд.",
        "volume": "т.",
        "volumes": "т.",
        "page": "б.",
        "pages": "б.",
    },
    "uz": {
        "ibid": "oʻsha manba",
        "no_date": "sanasiz",
        "and": "va",
        "in": "kitobda:",
        "et_al": "va boshq.",
        "accessed": "murojaat sanasi",
        "editor": "tahr.",
        "editors": "tahr.",
        "translator": "tarj.",
        "edited_by": "tahr.",
        "translated_by": "tarj.",
        "volume": "j.",
        "volumes": "j.",
        "page": "b.",
        "pages": "b.",
    },
}


def read_locale(checkout: Path, name: str) -> tuple[str, str]:
    """The locale file's text and the commit it was read at ("" for a work tree)."""
    file = f"locales-{name}.xml"
    if (checkout / file).exists():
        return (checkout / file).read_text(encoding="utf-8"), ""
    text = subprocess.run(["git", "-C", str(checkout), "show", f"HEAD:{file}"], capture_output=True, check=True)
    commit = subprocess.run(["git", "-C", str(checkout), "rev-parse", "HEAD"], capture_output=True, check=True)
    return text.stdout.decode("utf-8"), commit.stdout.decode().strip()


def term(root: ET.Element, name: str, form: str, number: str | None) -> str:
    """One term's text; CSL's long form is the one without a `form` attribute."""
    for found in root.iterfind(".//csl:terms/csl:term", NS):
        if found.get("name") != name or found.get("form", "long") != form:
            continue
        part = found.find(f"csl:{number}", NS) if number else None
        return ((part if part is not None else found).text or "").strip()  # a term without plural serves both
    raise SystemExit(f"{name} ({form}) is missing")


def translators(root: ET.Element) -> list[str]:
    """The translators a locale file's metadata lists, which CC BY-SA attribution keeps."""
    return [(t.findtext("csl:name", "", NS) or "").strip() for t in root.iterfind(".//csl:info/csl:translator", NS)]


def main(checkout: Path) -> None:
    terms, commits, credits = {}, set(), []
    for language, name in LOCALES.items():
        text, commit = read_locale(checkout, name)
        commits.add(commit)
        root = ET.fromstring(text)
        terms[language] = {ours: term(root, csl, form, number) for ours, csl, form, number in WANTED}
        credits.append(f"  locales-{name}.xml: " + (", ".join(n for n in translators(root) if n) or "(none listed)"))
    terms.update(HAND_WRITTEN)
    data = {
        "source": "https://github.com/citation-style-language/locales",
        "commit": " ".join(sorted(c for c in commits if c)),
        "licence": "CC BY-SA 3.0 (https://creativecommons.org/licenses/by-sa/3.0/), citationstyles.org",
        "generated_by": "scripts/csl_terms.py; kk and uz written by hand there (CSL has no Kazakh or Uzbek locale)",
        "terms": terms,
    }
    TARGET.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    NOTICE.write_text(NOTICE_TEXT.format(commit=data["commit"], translators="\n".join(credits)), encoding="utf-8")
    print(TARGET, NOTICE)


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "/work/.mirror/citation-style-language+locales/repo"))
