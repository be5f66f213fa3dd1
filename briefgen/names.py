"""What a name that becomes a file or folder name may be: one rule for brief ids and audience names."""

from __future__ import annotations

import re

# device names Windows reserves with any extension, including COM¹-COM³ and LPT¹-LPT³
WINDOWS_RESERVED = frozenset({"CON", "PRN", "AUX", "NUL", *(f"{p}{n}" for p in ("COM", "LPT") for n in "123456789¹²³")})
MAX_ID = 80  # `<id>/<id>_<audience>.docx` stays far below 255 bytes a name and Windows' 260 a path
ID = re.compile(r"[a-z0-9][a-z0-9-]*")  # as brief.schema.json says
AUDIENCE = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")


def reserved(name: str) -> bool:
    """`con`, `aux.docx`, `lpt1`: a file Windows will not create, whatever follows the first dot."""
    return name.split(".", 1)[0].upper() in WINDOWS_RESERVED


def id_problem(name: str) -> str | None:
    """Why `name` cannot be a brief's id, or None."""
    if len(name) > MAX_ID:
        return f"longer than {MAX_ID} characters; output file names would be too long"
    if not ID.fullmatch(name):
        return "use a-z, 0-9 and hyphens, starting with a letter or digit"
    if reserved(name):
        return f"'{name}' is a name Windows reserves for a device; choose another"
    return None


def audience_problem(name: str) -> str | None:
    """Why `name` cannot be an audience's (folder) name, or None."""
    if not AUDIENCE.fullmatch(name):
        return "an audience name is 1-40 of a-z, 0-9, - and _, starting with a letter or digit"
    if reserved(name):
        return f"'{name}' is a name Windows reserves for a device; choose another"
    return None
