"""Identifiers that leave engage: file names, Salesforce developer names, XML text.

Every name that reaches a generated file name is checked here, whatever library then
writes the content; names that cannot be made safe are refused (the caller turns the
problem into a finding), never silently rewritten into something that means another thing.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Windows refuses these as file names whatever the extension; repositories are shared.
_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL"} | {f"COM{i}" for i in range(10)} | {f"LPT{i}" for i in range(10)}
)
_FORBIDDEN_IN_COMPONENT = frozenset('/\\:*?"<>|')
_FORBIDDEN = re.compile("[" + re.escape("".join(sorted(_FORBIDDEN_IN_COMPONENT))) + "]")
# Files the platforms' own tools require by these exact names (mcdev's project file). No
# name from the YAML can produce them: every generated name ends in its type's suffix.
TOOL_FILES = frozenset({".mcdevrc.json"})
MAX_COMPONENT = 200
MAX_PATH = 1000


def _component_problem(component: str) -> str | None:
    """Why `component` cannot be one segment of a generated file path, or None if it can."""
    if not component or component in (".", ".."):
        return "is empty or a relative folder reference"
    if len(component) > MAX_COMPONENT:
        return f"is longer than {MAX_COMPONENT} characters"
    if component.startswith(".") or component.endswith((".", " ")):
        return "starts with a dot or ends with a dot or space"
    if _FORBIDDEN.search(component) or not component.isprintable():
        bad = sorted({c for c in component if c in _FORBIDDEN_IN_COMPONENT or not c.isprintable()})
        return f"contains characters not allowed in file names: {''.join(map(repr, bad))}"
    if component.split(".")[0].upper() in _RESERVED:
        return "is a name Windows reserves for devices"
    return None


# a plan's files share their folders' names (the file names are all different)
path_component_problem = lru_cache(maxsize=4096)(_component_problem)


@lru_cache(maxsize=4096)
def _folder_problem(folder: str) -> str | None:
    """`relpath_problem`'s answer for the segments of `folder`, the first refused one."""
    for part in folder.split("/"):
        problem = path_component_problem(part)
        if problem is not None:
            return f"segment {part!r} {problem}"
    return None


def relpath_problem(path: str) -> str | None:
    """Why `path` cannot be a generated file's path relative to the output folder.

    Its folder is checked once for all the files in it (`_folder_problem`) and its file
    name on its own, uncached: 9,000 different file names would push the folders' segments
    out of a cache of segments."""
    if not path or len(path) > MAX_PATH:
        return "is empty or too long"
    if path.startswith("/") or "\\" in path:  # a POSIX path is absolute when it starts with /
        return "is not a relative POSIX path"
    folder, slash, name = path.rpartition("/")
    if slash:
        problem = _folder_problem(folder)
        if problem is not None:
            return problem
    if name in TOOL_FILES:
        return None
    problem = _component_problem(name)
    return None if problem is None else f"segment {name!r} {problem}"


_NOT_WORD = re.compile(r"[^A-Za-z0-9]+")


def developer_name(name: str, max_length: int = 40) -> str | None:
    """A resource name → a Salesforce developer name, or None when none is possible.

    Developer names hold letters, digits and single underscores, start with a letter, do
    not end with an underscore and are at most `max_length` long. `brand-a` and `x[bu]`
    become `brand_a` and `x_bu`; callers check the result for collisions.
    """
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    candidate = _NOT_WORD.sub("_", ascii_name).strip("_")
    candidate = re.sub(r"_+", "_", candidate)
    if not candidate or not candidate[0].isalpha() or len(candidate) > max_length:
        return None
    return candidate


def label_from(name: str) -> str:
    """`contacts_to_mc` → `Contacts To Mc`: a readable default label for a resource name."""
    words = [w for w in re.split(r"[_\-\[\]]+", name) if w]
    return " ".join(w[:1].upper() + w[1:] for w in words) or name


def _xml_allowed(char: str) -> bool:
    code = ord(char)
    return (
        code in (0x9, 0xA, 0xD)
        or 0x20 <= code <= 0xD7FF
        or 0xE000 <= code <= 0xFFFD
        or 0x10000 <= code <= 0x10FFFF
    )


# the characters `_xml_allowed` refuses, as one class (a regular expression scans in C)
_XML_FORBIDDEN = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    """Text XML 1.0 can hold: characters it forbids (controls, lone surrogates) become U+FFFD
    (each character `_xml_allowed` refuses).

    Escaping of `<`, `&`, `]]>` and quotes is left to the XML library that writes the text.
    A printable text holds none of them (controls, surrogates and U+FFFE / U+FFFF are not
    printable) and is returned as it is, without the regular expression's scan and copy.
    """
    if text.isprintable():
        return text
    return _XML_FORBIDDEN.sub("\ufffd", text)
