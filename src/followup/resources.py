"""Files shipped with followup that live at the top of the repository (templates, the hook)."""

from __future__ import annotations

from pathlib import Path


def bundled(name: str) -> Path:
    """A top-level folder of the repository: inside an installed wheel, or beside src/ in a checkout."""
    packaged = Path(__file__).parent / "bundled" / name
    return packaged if packaged.is_dir() else Path(__file__).resolve().parents[2] / name
