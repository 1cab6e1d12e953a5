"""Turn a customer's name into one folder-name component that is safe on Linux, macOS and Windows."""

from __future__ import annotations

import hashlib
import unicodedata

MAX_FOLDER_NAME_BYTES = 100
_HASH_LENGTH = 8
_SEPARATOR = "-"
_FALLBACK_PREFIX = "customer"
_WINDOWS_RESERVED_NAMES = frozenset(
    {"con", "prn", "aux", "nul"} | {f"com{digit}" for digit in range(1, 10)} | {f"lpt{digit}" for digit in range(1, 10)}
)


def customer_folder_name(customer_name: str) -> str:
    """A stable, readable folder name: "Customer A" -> "customer-a", "Zoë" -> "zoë", "李小龙" -> "李小龙".

    Letters and digits of any script are kept (NFKC-normalized, casefolded); every run of anything else
    becomes a single "-". Distinct names can share a folder ("Customer A", "customer-a"), which is intended.
    """
    slug = _slugify(customer_name)
    if not slug:
        return f"{_FALLBACK_PREFIX}{_SEPARATOR}{_short_hash(customer_name)}"
    if len(slug.encode("utf-8")) > MAX_FOLDER_NAME_BYTES:
        return _shorten(slug, customer_name)
    if _is_windows_reserved(slug):
        return f"{slug}{_SEPARATOR}{_short_hash(customer_name)}"
    return slug


def _slugify(text: str) -> str:
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    pieces: list[str] = []
    for character in folded:
        if _is_kept(character):
            pieces.append(character)
        elif pieces and pieces[-1] != _SEPARATOR:
            pieces.append(_SEPARATOR)
    return "".join(pieces).strip(_SEPARATOR)


def _is_kept(character: str) -> bool:
    # Combining marks are kept so scripts such as Devanagari, whose vowel signs are marks, stay readable.
    return character.isalnum() or unicodedata.category(character).startswith("M")


def _shorten(slug: str, customer_name: str) -> str:
    """Cut on a character boundary and append a hash of the whole name, so long names stay distinct."""
    budget = MAX_FOLDER_NAME_BYTES - len(_SEPARATOR) - _HASH_LENGTH
    head = slug.encode("utf-8")[:budget].decode("utf-8", errors="ignore").rstrip(_SEPARATOR)
    return f"{head}{_SEPARATOR}{_short_hash(customer_name)}"


def _is_windows_reserved(name: str) -> bool:
    # Windows reserves these names whatever the extension ("con.txt"); slugs have no dots, but stay careful.
    return name.split(".", 1)[0].rstrip(" ") in _WINDOWS_RESERVED_NAMES


def _short_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", errors="surrogatepass")).hexdigest()[:_HASH_LENGTH]
