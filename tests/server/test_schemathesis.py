"""schemathesis, every check on, against a live server: what it generates from /openapi.json (valid and
invalid bodies, parameters and headers, unexpected methods, missing tokens, stateful sequences along
the document's links) must get answers the document declares, never a 5xx.

The run is bounded (tests/server/schemathesis.toml: a fixed number of examples per operation, the
deterministic generator) so that `make test` stays quick; it uses a token of a role each operation
admits, from the role schemes /openapi.json publishes. Every exception in that file says why.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import requests

from tests.server.conftest import site_variant

CONFIG = Path(__file__).with_name("schemathesis.toml")


def test_schemathesis_finds_nothing(server_factory, tmp_path: Path) -> None:
    server = server_factory(config=site_variant(tmp_path, quota=20, rate=30))
    env = dict(os.environ, **{f"WARTEMARKE_{role.upper()}_TOKEN": token for role, token in server.tokens.items()})
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "--config-file",
        str(CONFIG),
        "run",
        f"{server.url}/openapi.json",
        "--checks",
        "all",
        "--no-color",
    ]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600, cwd=tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-12000:]
    published = sum(
        len(operations)
        for operations in requests.get(f"{server.url}/openapi.json", timeout=10).json()["paths"].values()
    )
    tested = re.search(r"Tested: (\d+)", output)
    assert tested and int(tested.group(1)) == published, output[-3000:]
    assert re.search(r"\d+ generated, \d+ passed", output), output[-3000:]
