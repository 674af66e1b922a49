"""`pip install .` (not editable) gives a server that can create its database.

The wheel is built once from the checkout (with the venv's own setuptools: no download), its file
list is checked, and `wartemarke admin db upgrade` runs from the installed copy, far from the checkout.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from launcher.live_server import ROOT

#: What a checkout holds that is not the project: never copied into the build.
SCRATCH = (".venv", ".git", "build", "dist", "*.egg-info", "var", "artifacts", ".*_cache", "__pycache__")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    # A copy of the checkout, so that the build leaves nothing in it and finds nothing stale there.
    source = out / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(*SCRATCH))
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", str(out), str(source)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    # setuptools warns about a folder of modules that is shipped but not declared a package.
    assert "is absent from the `packages` configuration" not in build.stdout + build.stderr
    (wheel,) = out.glob("wartemarke-*.whl")
    return wheel


def test_the_wheel_carries_the_migrations(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    revisions = sorted(p.name for p in (ROOT / "server" / "migrations" / "versions").glob("0*.py"))
    assert revisions
    for revision in revisions:
        assert f"server/migrations/versions/{revision}" in names
    assert {"server/migrations/env.py", "server/migrations/script.py.mako"} <= names


def test_the_installed_server_creates_a_fresh_database(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "installed"
    install = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "--target", str(target), str(wheel)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert install.returncode == 0, install.stderr[-3000:]
    elsewhere = tmp_path / "office"
    elsewhere.mkdir()
    env = {"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"}
    where = subprocess.run(
        [sys.executable, "-c", "import server; print(server.__file__)"],
        capture_output=True,
        text=True,
        env=env,
        cwd=elsewhere,
    )
    assert where.stdout.startswith(str(target)), where.stdout + where.stderr  # the installed copy, not the checkout
    upgrade = subprocess.run(
        [sys.executable, "-m", "launcher", "admin", "db", "upgrade", "--db", f"sqlite:///{elsewhere}/office.db"],
        capture_output=True,
        text=True,
        env=env,
        cwd=elsewhere,
        timeout=120,
    )
    assert upgrade.returncode == 0, upgrade.stderr[-3000:]
    assert "is up to date" in upgrade.stdout
    with sqlite3.connect(elsewhere / "office.db") as database:
        tables = {row[0] for row in database.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"tickets", "events", "service_days", "alembic_version"} <= tables


def test_the_wheel_carries_the_phone_pages(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for folder in ("templates", "static"):
        shipped = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "server" / folder).rglob("*") if p.is_file())
        assert shipped, folder
        missing = [name for name in shipped if name not in names]
        assert not missing, f"the installed server could not draw its pages without {missing}"
