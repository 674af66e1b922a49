"""The ground floor (`wartemarke/`) stands under every part: it imports none of them, and Kivy only
in its Kivy-only corner (`wartemarke/kivy_shell`, imported by the apps alone)."""

from __future__ import annotations

import ast
from pathlib import Path

GROUND = Path(__file__).resolve().parents[2] / "wartemarke"
PARTS = {"server", "client", "kiosk", "display", "counter", "printer", "launcher"}


def imported_packages(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def test_the_ground_floor_imports_no_part_and_kivy_only_in_its_kivy_shell():
    for path in sorted(GROUND.rglob("*.py")):
        packages = imported_packages(path)
        assert not packages & PARTS, f"{path.relative_to(GROUND.parent)} imports {packages & PARTS}"
        if "kivy_shell" not in path.parts:
            assert "kivy" not in packages, f"{path.relative_to(GROUND.parent)} imports Kivy"
