"""Fixtures for the kiosk tests."""

from __future__ import annotations

import pytest
from kiosk_rig import Rig, make_rig


@pytest.fixture
def rig() -> Rig:
    rig = make_rig()
    rig.controller.start()
    rig.settle()
    return rig
