"""Short definitions: no function over 60 lines, no class over 300, no module over 600.

Ruff counts statements and branches (PLR0915, C901), not lines; a long table of arguments or a
long string is as hard to read as a long body, so the limits here are in lines, decorators and
docstrings included. Generated data (Alembic migrations) is exempt. Exit 1 lists every offender.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "fieldoffice"
MAX_FUNCTION, MAX_CLASS, MAX_MODULE = 60, 300, 600
EXEMPT = ("migrations",)


def offenders(package: Path = PACKAGE) -> list[str]:
    out: list[str] = []
    for path in sorted(package.rglob("*.py")):
        if any(part in EXEMPT for part in path.relative_to(package).parts):
            continue
        text = path.read_text(encoding="utf-8")
        where = path.relative_to(package.parent)
        lines = len(text.splitlines())
        if lines > MAX_MODULE:
            out.append(f"{where}: module of {lines} lines (at most {MAX_MODULE})")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                limit, kind = MAX_FUNCTION, "function"
            elif isinstance(node, ast.ClassDef):
                limit, kind = MAX_CLASS, "class"
            else:
                continue
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            length = (node.end_lineno or node.lineno) - first + 1
            if length > limit:
                out.append(
                    f"{where}:{node.lineno}: {kind} {node.name} of {length} lines (at most {limit})"
                )
    return out


def main() -> int:
    found = offenders()
    for line in found:
        print(line)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
