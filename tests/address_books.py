"""Address-book exports as the real tools write them, byte for byte, built by the tests (no file is copied
from another project): vCards with the line endings, charsets, encodings and quirks of iPhone, macOS,
Android, Outlook and Google, and the CSV headers of Google, Outlook and LinkedIn."""

from __future__ import annotations

import base64
import csv
import io

# A few hundred bytes of a JPEG, as phones embed them; base64, folded at 76 columns as iOS does.
PHOTO = base64.b64encode(bytes(range(256)) * 3).decode()


def fold(line: str, width: int = 75, indent: str = " ") -> list[str]:
    """A content line folded as RFC 6350 says: continuation lines start with a space."""
    pieces = [line[:width]]
    rest = line[width:]
    while rest:
        pieces.append(indent + rest[:width - 1])
        rest = rest[width - 1:]
    return pieces


def quoted_printable(data: bytes, first_width: int = 40) -> bytes:
    """vCard 2.1 quoted-printable as Android writes it: every byte outside printable ASCII (and '=') as =XX,
    line breaks as =0D=0A, and a soft line break ('=' at the end of a line) every 76 characters."""
    data = data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    pieces = [chr(byte) if (33 <= byte <= 126 and byte != 61) or byte == 32 else f"={byte:02X}" for byte in data]
    lines, line, width = [], "", first_width
    for piece in pieces:
        if len(line) + len(piece) > width:
            lines.append(line + "=")
            line, width = "", 75
        line += piece
    return "\r\n".join([*lines, line]).encode("ascii")


def card(*lines: str, version: str = "3.0") -> list[str]:
    return ["BEGIN:VCARD", f"VERSION:{version}", *lines, "END:VCARD"]


def vcf(*cards: list[str], newline: str = "\r\n", encoding: str = "utf-8") -> bytes:
    """Cards joined with the exporter's line ending and encoded as it writes (utf-16 writes its BOM)."""
    return newline.join(line for one in cards for line in one).encode(encoding) + newline.encode(encoding)


def iphone_card(given: str, family: str, email: str | None = None, phone: str | None = None,
                note: str | None = None) -> list[str]:
    """A card as iOS / iCloud exports it: vCard 3.0, item groups, a folded PHOTO."""
    lines = [f"N:{family};{given};;;", f"FN:{given} {family}"]
    if email:
        lines.append(f"item1.EMAIL;type=INTERNET;type=pref:{email}")
    if phone:
        lines.append(f"TEL;type=CELL;type=VOICE;type=pref:{phone}")
    if note:
        lines.append(f"NOTE:{note}")
    lines += fold(f"PHOTO;ENCODING=b;TYPE=JPEG:{PHOTO}")
    return card(*lines, "PRODID:-//Apple Inc.//iPhone OS 17.5//EN")


def csv_bytes(header: list[str], rows: list[dict], encoding: str = "utf-8", preface: str = "") -> bytes:
    stream = io.StringIO()
    stream.write(preface)
    writer = csv.DictWriter(stream, fieldnames=header, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: row.get(key, "") for key in header})
    return stream.getvalue().encode(encoding)


def many_cards(count: int, with_photos: bool = True, newline: str = "\r\r\n") -> bytes:
    """`count` distinct iPhone cards (CR CR LF, as iCloud writes them), each with its own email."""
    cards = []
    for number in range(count):
        lines = iphone_card(f"Person{number}", f"Family{number % 97}", f"person{number}@example.org",
                            f"+1 555 01{number:05d}", "Met at the fair, stand B12.")
        cards.append(lines if with_photos else [line for line in lines if not line.startswith(("PHOTO", " "))])
    return vcf(*cards, newline=newline)
