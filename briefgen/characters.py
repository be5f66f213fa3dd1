"""The characters no input may hold: one test for every reader and writer.

A module of its own, with nothing but `re`, so reading a YAML file (yamlsource) does not import
the document model for it.
"""

from __future__ import annotations

import re

# Characters no text in a document may hold: C0 and C1 controls other than tab and line
# breaks, DEL, lone surrogates, and the non-characters U+FFFE and U+FFFF. XML 1.0 (DOCX)
# forbids most of them, PDF text would hide them, and a C1 control usually means text
# pasted from a Windows-1252 source. Readers refuse them with a position; writers drop them.
UNSAFE_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def describe_character(ch: str) -> str:
    """`U+001B` for an error message: the character itself would be invisible or unprintable."""
    return f"U+{ord(ch):04X}"
