"""Where a PDF puts each note marker and each note: for checking another program's layout of our DOCX.

LibreOffice writes a note's marker in the text and its number at the page foot as separate raised,
smaller runs of digits. A number starting a line at the left margin is a note; any other is a marker.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pypdf


@dataclass(frozen=True)
class Run:
    text: str
    size: float
    x: float
    y: float


@dataclass(frozen=True)
class NotePages:
    """Page (0-based) of each note's marker and of the start of the note, by note number."""

    markers: dict[int, int]
    notes: dict[int, int]
    pages: int

    def off_their_page(self) -> list[int]:
        """Numbers of the notes that start on another page than their marker's."""
        return sorted(n for n, page in self.markers.items() if self.notes.get(n, -1) != page)


def _runs(page: pypdf.PageObject) -> list[Run]:
    runs: list[Run] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.strip():
            runs.append(Run(text.strip(), size * (tm[3] or 1), tm[4], tm[5]))

    page.extract_text(visitor_text=visit)
    return runs


def _raised_numbers(runs: list[Run]) -> list[Run]:
    """Digit runs set above the baseline of a larger run on the page: superscripts."""
    return [
        run
        for run in runs
        if re.fullmatch(r"\d+", run.text)
        and any(line.size > run.size * 1.2 and 0.5 < run.y - line.y < line.size * 0.6 for line in runs)
    ]


def note_pages(pdf: Path) -> NotePages:
    markers: dict[int, int] = {}
    notes: dict[int, int] = {}
    reader = pypdf.PdfReader(pdf)
    for number, page in enumerate(reader.pages):
        runs = _runs(page)
        if not runs:
            continue
        margin = min(run.x for run in runs)
        for run in _raised_numbers(runs):
            found = notes if abs(run.x - margin) < 2 else markers
            found.setdefault(int(run.text), number)
    return NotePages(markers, notes, len(reader.pages))


def libreoffice_pdfs(soffice: str, documents: list[Path], out: Path, profile: Path) -> list[Path]:
    """`documents` converted to PDF by LibreOffice headless, in `out`."""
    subprocess.run(
        [
            soffice,
            "--headless",
            f"-env:UserInstallation=file://{profile}",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            *map(str, documents),
        ],
        check=True,
        capture_output=True,
        timeout=600,
    )
    return [out / f"{document.stem}.pdf" for document in documents]
