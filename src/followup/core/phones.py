"""Phone numbers as people write them ("+1 (555) 010-0123", "020 7946 0958", "555-0100 ext 12"), read by
phonenumbers, the maintained port of Google's libphonenumber (Apache-2.0): a `tel:` link that dials the number and
its extension (RFC 3966), and one form, E.164, to tell whether two writings are one number.

A number written without its country code needs the journal's `default_region` (an ISO 3166 code such as US,
GB, DE); without it, such a number is dialled as written and matches only the same digits written the same way.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import phonenumbers

_EXTENSION = re.compile(r"\s*(?:[,;]\s*)?(?:ext\.?|extension|x|#)\s*(\d{1,10})\s*$", re.IGNORECASE)
MIN_DIGITS = 7  # fewer is not a number to dial or to match (an extension alone, a typo)


def regions() -> frozenset[str]:
    import phonenumbers

    return frozenset(phonenumbers.SUPPORTED_REGIONS)


@functools.lru_cache(maxsize=65536)  # a build asks for each person's number for their page and for the dashboard
def _parsed(text: str, region: str | None) -> phonenumbers.PhoneNumber | None:
    import phonenumbers

    try:
        number = phonenumbers.parse(text[:100], region)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_possible_number(number) else None


def e164(text: str, region: str | None = None) -> str | None:
    """The number in E.164 (+15550100123), without its extension; None when it cannot be told (no country code
    and no region, or not a possible number)."""
    import phonenumbers

    number = _parsed(text.strip().removeprefix("tel:"), region)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164) if number is not None else None


def tel_link(text: str, region: str | None = None) -> str | None:
    """A `tel:` link that dials the number and then its extension (RFC 3966: tel:+1-555-010-0123;ext=12), every
    digit where it belongs; None when the text holds too few digits to dial."""
    import phonenumbers

    text = text.strip().removeprefix("tel:")
    number = _parsed(text, region)
    if number is not None:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.RFC3966)
    digits, extension = _as_written(text)
    return f"tel:{digits}" + (f";ext={extension}" if extension else "") if digits else None


def number_key(text: str, region: str | None = None) -> str | None:
    """What tells two writings of a number to be one: E.164 when phonenumbers can tell it; else, without a country
    code or region, the digits as written (so "555-0100" meets "5550100", never a number cut to its last digits);
    None for fewer than MIN_DIGITS digits."""
    return e164(text, region) or _as_written(text.strip().removeprefix("tel:"))[0]


def _as_written(text: str) -> tuple[str | None, str | None]:
    """The number's digits (after its "+", if written) and its extension; no digits when fewer than MIN_DIGITS."""
    extension = _EXTENSION.search(text)
    main = text[:extension.start()] if extension else text
    digits = "".join(char for char in main if char.isdigit())
    if len(digits) < MIN_DIGITS:
        return None, None
    return ("+" if main.lstrip().startswith("+") else "") + digits, extension.group(1) if extension else None
