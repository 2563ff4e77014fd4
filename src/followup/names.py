"""Names as people write them, and the ASCII slugs and folded keys we derive from them."""

from __future__ import annotations

import re
import unicodedata

_NOT_SLUG = re.compile(r"[^a-z0-9]+")
# A file name is at most 255 bytes; a slug stays well within it, with room for "-2" and ".md".
MAX_SLUG = 80


def fold(text: str) -> str:
    """Lowercase without accents, for matching "jose" to "José"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def slugify(text: str) -> str:
    """ASCII, lowercase, hyphens: safe in a file name and a URL. Never empty."""
    ascii_text = fold(text).encode("ascii", "ignore").decode("ascii")
    slug = _NOT_SLUG.sub("-", ascii_text).strip("-")
    if len(slug) > MAX_SLUG:
        cut = slug[:MAX_SLUG + 1]
        slug = cut[:cut.rfind("-")] if "-" in cut[MAX_SLUG // 2:] else slug[:MAX_SLUG]
    if slug:
        return slug
    # A name with no ASCII letters at all (Arabic, Chinese...) still needs a stable, readable-ish slug.
    return "u-" + "-".join(f"{ord(c):x}" for c in text.strip()[:8]) if text.strip() else "unnamed"
