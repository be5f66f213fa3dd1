"""Regenerate briefgen/reference.docx, the DOCX writer's default styles.

Run from the repository root: python scripts/make_reference_docx.py
Open the result in Word or LibreOffice to see every style briefgen uses. To restyle
one audience's Word output, save a copy as templates/<audience>/reference.docx and
edit its styles there: its styles then win over the audience's style.yaml.
"""

from pathlib import Path

from briefgen.design import theme
from briefgen.style import Style
from briefgen.writers.docx import DEFAULT_REFERENCE, reference_document

if __name__ == "__main__":
    DEFAULT_REFERENCE.write_bytes(reference_document(theme(Style())))
    print(
        Path(DEFAULT_REFERENCE).relative_to(Path.cwd())
        if DEFAULT_REFERENCE.is_relative_to(Path.cwd())
        else DEFAULT_REFERENCE
    )
