"""A brief's own Markdown, citations left as `[@key]`: what pandoc `--citeproc` is given in the bench.

    python bench/rawmd.py briefs/kazakhstan-osce-2010.yaml > /tmp/raw.md

briefgen's `-f md` has its citations already formatted, so pandoc has nothing to cite there.
This file is the other honest input: the brief's Markdown fields as the author wrote them
(summary, key messages, sections, recommendations with their rationales), in the order the
practitioner's document has them, under a pandoc title block, with every `[@key]` intact, so
`pandoc --citeproc --bibliography references.bib` does the citation work briefgen does.
What it leaves out (the contact line, the actors table, audience overrides) is small beside the
prose and its citations.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml


def raw_markdown(brief: dict) -> str:
    """The brief's Markdown fields concatenated, headed by a YAML title block pandoc reads."""
    meta = {key: str(brief[key]) for key in ("title", "subtitle", "date") if key in brief}
    meta["lang"] = str(brief.get("language", "en"))
    parts = ["---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False) + "---"]
    parts.append("# Summary\n\n" + brief.get("summary", "").strip())
    messages = brief.get("key_messages", [])
    if messages:
        parts.append("# Key messages\n\n" + "\n".join(f"- {m}" for m in messages))
    for section in brief.get("sections", []):
        parts.append(f"# {section['title']}\n\n{section['body'].strip()}")
    parts.append("# Recommendations")
    for group in brief.get("recommendations", []):
        parts.append(f"## {group['group']}\n\n{group.get('intro', '').strip()}")
        for item in group["items"]:
            parts.append(f"### {item['id']}: {item['title']}\n\n{item.get('rationale', '').strip()}")
    parts.append("# References")
    return "\n\n".join(parts) + "\n"


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__.splitlines()[2].strip())
    sys.stdout.write(raw_markdown(yaml.safe_load(Path(sys.argv[1]).read_text("utf-8"))))
