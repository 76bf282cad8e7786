"""Where the repository is, for tests that read its files (examples, docs, sources): one root,
so no test walks up past it."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
SEED_PAGE = EXAMPLES / "contact-page.txt"  # the saved contact page the directory came from
