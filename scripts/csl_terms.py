"""Write briefgen/locales/csl_terms.json: the citation terms briefgen prints, from the CSL locale files.

The Citation Style Language locales (github.com/citation-style-language/locales, CC BY-SA 3.0,
citationstyles.org) are the wording Zotero, pandoc's citeproc and Mendeley print; taking ours
from them keeps "Ibid.", "n.d.", "ed.", "and" and "In" as those tools write them in each language.

    python scripts/csl_terms.py LOCALES-CHECKOUT   # a work tree, or a bare git repository (read at HEAD)
"""

from __future__ import annotations

import json
import re
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
    ("issue", "issue", "short", "single"),  # a journal's issue: "no. 2", "nᵒ 2", "Nr. 2"
    ("edition", "edition", "short", "single"),  # "2nd ed.", "2ᵉ éd.", "2-е изд."
    ("thesis", "thesis", "long", None),  # a dissertation's kind, outside English ("PhD diss." is Chicago's)
    ("report", "report", "long", None),
    ("patent", "patent", "long", None),
    ("editor_translator", "editortranslator", "short", "single"),  # one person both edited and translated
    ("editors_translators", "editortranslator", "short", "multiple"),
    ("edited_translated_by", "editortranslator", "verb", None),
)
# Terms some CSL locales leave in English (the term is there, untranslated): the word a
# published brief in that language prints, written here, and listed in docs/languages.md.
UNTRANSLATED = {
    "ru": {"thesis": "дис.", "report": "отчёт", "patent": "патент"},
    "es": {"thesis": "tesis", "report": "informe", "patent": "patente"},
    "it": {"report": "rapporto"},
}

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
        "issue": "№",
        "edition": "бас.",
        "thesis": "дис.",
        "report": "есеп",
        "patent": "патент",
        "editor_translator": "ред. және ауд.",
        "editors_translators": "ред. және ауд.",
        "edited_translated_by": "ред. және ауд.",
        "ordinals": [["ordinal", "", "", "-"]],  # "2-бас.": GOST's digit, hyphen, abbreviation
        "edition_gender": "",
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
        "issue": "№",
        "edition": "nashr",
        "thesis": "dis.",
        "report": "hisobot",
        "patent": "patent",
        "editor_translator": "tahr. va tarj.",
        "editors_translators": "tahr. va tarj.",
        "edited_translated_by": "tahr. va tarj.",
        "ordinals": [["ordinal", "", "", "-"]],  # "2-nashr": Uzbek writes an ordinal digit with a hyphen
        "edition_gender": "",
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


def ordinals(root: ET.Element) -> list[list[str]]:
    """The short ordinal suffixes ("st", "ᵉ", "-е"): [name, gender-form, match, text], as CSL 1.0.2 reads them."""
    found = []
    for t in root.iterfind(".//csl:terms/csl:term", NS):
        name = t.get("name", "")
        if name == "ordinal" or re.fullmatch(r"ordinal-\d\d", name):
            found.append([name, t.get("gender-form", ""), t.get("match", ""), (t.text or "").strip()])
    return found


def edition_gender(root: ET.Element) -> str:
    """The grammatical gender of "edition" (French "édition" is feminine: "1ʳᵉ éd."); "" when neuter or unsaid."""
    for t in root.iterfind(".//csl:terms/csl:term", NS):
        if t.get("name") == "edition" and t.get("form", "long") == "long":
            return t.get("gender", "")
    return ""


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
        terms[language].update(UNTRANSLATED.get(language, {}))
        terms[language]["ordinals"] = ordinals(root)
        terms[language]["edition_gender"] = edition_gender(root)
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
