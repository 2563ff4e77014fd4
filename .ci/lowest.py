"""Constraints that pin every dependency of pyproject.toml (with the test extra) to the lowest version it
allows: `pip install -c` them and run the suite, and a floor that is too low fails in CI first."""

import re
import sys
import tomllib
from pathlib import Path

project = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml").read_text())["project"]
for requirement in [*project["dependencies"], *project["optional-dependencies"]["test"]]:
    name, floor = re.match(r"([A-Za-z0-9_.\-]+)[^>]*>=\s*([^,;\s]+)", requirement).groups()
    sys.stdout.write(f"{name}=={floor}\n")
