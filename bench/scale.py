"""A brief made N times longer, for benchmarks: the same prose, sections and recommendations repeated.

    python bench/scale.py briefs/kazakhstan-osce-2010.yaml 10 > /tmp/x10.yaml

Copies keep their citations (so bibliography work grows with the text) and get new ids
(`CA-1` becomes `CA-1-x2` in the second copy), so the result is a valid brief.
"""

from __future__ import annotations

import copy
import sys
from pathlib import Path

import yaml


def scaled(brief: dict, factor: int) -> dict:
    """`brief` with its sections and recommendation groups repeated `factor` times."""
    out = copy.deepcopy(brief)
    out["id"] = f"{brief.get('id', 'brief')}-x{factor}"
    out["sections"] = [
        {**s, "title": f"{s['title']} ({n})" if n > 1 else s["title"]}
        for n in range(1, factor + 1)
        for s in brief.get("sections", [])
    ]
    groups = []
    for n in range(1, factor + 1):
        for group in brief.get("recommendations", []):
            items = [{**item, "id": item["id"] if n == 1 else f"{item['id']}-x{n}"} for item in group["items"]]
            title = group["group"] if n == 1 else f"{group['group']} ({n})"
            groups.append({**group, "group": title, "items": items})
    out["recommendations"] = groups
    out.pop("audience_overrides", None)  # they would override the scaled fields with the short ones
    return out


class _NoAliases(yaml.SafeDumper):
    """Briefs refuse YAML aliases, and the copies share objects: write each one out."""

    def ignore_aliases(self, data: object) -> bool:
        return True


def main(argv: list[str]) -> None:
    source, factor = Path(argv[0]), int(argv[1])
    brief = yaml.safe_load(source.read_text(encoding="utf-8"))
    sys.stdout.write(
        yaml.dump(scaled(brief, factor), Dumper=_NoAliases, allow_unicode=True, sort_keys=False, width=100)
    )


if __name__ == "__main__":
    main(sys.argv[1:])
