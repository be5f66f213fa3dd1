"""Small, readable inputs shared by the test files."""

from __future__ import annotations

from pathlib import Path

# Line numbers matter: error tests point at them.
#  1 title
#  2 date
#  3 summary (cites doe2020 at column 44)
#  4 recommendations
#  5   - group
#  6     items
#  7       - id: R1
#  8         title
#  9         priority: high
# 10         timeframe: 2010   (a number on purpose)
# 11       - id: R2
# 12         title
# 13         priority: low
MINIMAL_BRIEF = """\
title: Water, borders and the OSCE
date: 2010-01-15
summary: Astana can make a difference here [@doe2020].
recommendations:
  - group: Regional security
    items:
      - id: R1
        title: Open a regional water dialogue
        priority: high
        timeframe: 2010
      - id: R2
        title: Publish border incident data
        priority: low
"""

REFERENCES_BIB = """\
@article{doe2020,
  author  = {Doe, Jane},
  title   = {Water and Borders},
  journal = {Central Asian Survey},
  volume  = {39},
  number  = {2},
  pages   = {30--50},
  year    = {2020},
}

@book{roe2019,
  author    = {Roe, Richard},
  title     = {Budgets and Borders: {Central Asia} since 1991},
  publisher = {Routledge},
  address   = {London},
  year      = {2019},
}
"""


def write_brief(tmp_path: Path, text: str, name: str = "brief.yaml") -> Path:
    """Write a brief's YAML to `tmp_path/name` and return its path."""
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
