"""Names as people write them, in any script, and the ASCII slugs and folded forms derived from them."""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata

from anyascii import anyascii

_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_WORD_START = r"(?:^|(?<=[\s\-'’.,(]))"
# A file name is at most 255 bytes; a slug stays well within it, with room for "-2" and ".md".
MAX_SLUG = 80


def fold(text: str) -> str:
    """Lowercase without accents, in the name's own script: "jose" finds "José", "мария" finds "Мария"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).casefold().split())


def transliterate(text: str) -> str:
    """The name in ASCII letters, by anyascii (ISC licence): "Łukasz Żółć" -> "Lukasz Zolc", "Мария" -> "Mariya".
    Scripts without case (Chinese, Korean) transliterate to syllables: each becomes a word, "王小明" ->
    "Wang Xiao Ming", rather than one run-together word."""
    pieces = []
    for character in text:
        latin = anyascii(character)
        syllable = len(latin) > 1 and latin[0].isupper() and character.lower() == character.upper()
        pieces.append(f" {latin} " if syllable else latin)
    return " ".join("".join(pieces).split())


def search_forms(name: str) -> tuple[str, ...]:
    """The forms a name is looked up by: folded in its own script, and folded in ASCII."""
    return tuple(dict.fromkeys((fold(name), fold(transliterate(name)))))


def match_level(query: str, name: str) -> int | None:
    """How well a typed query finds a name: 0 the whole name, 1 the start of a word ("ana" in Ana Ribeiro),
    2 inside a word ("ana" in Tanaka); None when it does not."""
    best = None
    for wanted in search_forms(query):
        if not wanted:
            continue
        for form in search_forms(name):
            if form == wanted:
                return 0
            if re.search(_WORD_START + re.escape(wanted), form):
                best = 1
            elif wanted in form and best is None:
                best = 2
    return best


@functools.lru_cache(maxsize=4096)  # a build slugs each category once per member: 45,000 times at 10,000 people
def slugify(text: str) -> str:
    """ASCII, lowercase, hyphens, at most MAX_SLUG characters: safe in a file name and a URL. Never empty."""
    slug = _NOT_SLUG.sub("-", transliterate(text).lower()).strip("-")
    if len(slug) > MAX_SLUG:
        cut = slug[:MAX_SLUG + 1]
        slug = cut[:cut.rfind("-")] if "-" in cut[MAX_SLUG // 2:] else slug[:MAX_SLUG]
    if slug:
        return slug
    # Nothing to transliterate (punctuation only): still a stable name.
    return "u-" + "-".join(f"{ord(c):x}" for c in text.strip()[:8]) if text.strip() else "unnamed"


UNOWNED = "unowned"  # the owner filter of the people nobody keeps
_PLAIN_WORDS = re.compile(r"[a-z0-9]+(?:[ _-]+[a-z0-9]+)*")


@functools.lru_cache(maxsize=4096)
def category_key(name: str) -> str:
    """A category as it is compared and as its page and its feed are named. Written in plain words, its slug:
    `Book Club`, `book club` and `book-club` are one category. Any other name keeps what a slug would drop,
    with a digest of it (case and spaces aside): `C++` and `C#` are two categories, not one `c`, and so are
    `Семья` and `Semya`."""
    folded = " ".join(name.casefold().split())
    if _PLAIN_WORDS.fullmatch(folded):
        return slugify(name)
    return f"{slugify(name)}-{hashlib.blake2b(folded.encode('utf-8', 'surrogatepass'), digest_size=3).hexdigest()}"


def owner_key(owner: str) -> str:
    """Who keeps a relationship, as compared: "Hal", "hal" and " hal " are one owner."""
    return " ".join(owner.split()).casefold()
