"""Output formats: a registry from format name to writer.

A writer is `write(doc: Document, style: Style, audience_folder: Path) -> bytes`.
Each is imported only when used, so only the DOCX writer loads python-docx and
only the PDF writer loads reportlab. A new format is one module plus one line here.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from pathlib import Path

from ..model import Document
from ..style import Style

Writer = Callable[[Document, Style, Path], bytes]

FORMATS: dict[str, tuple[str, str]] = {
    # name: (module, function)
    "docx": ("briefgen.writers.docx", "write_docx_for_audience"),
    "pdf": ("briefgen.writers.pdf", "write_pdf_for_audience"),
}


def writer(name: str) -> Writer:
    module, function = FORMATS[name]
    return getattr(import_module(module), function)
