"""A kiosk controller wired to fakes that the test drives step by step."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from kiosk_fakes import FakeApi, FakePrinter, FakeScheduler, ManualRunner, RecordingSpeech

from kiosk.config import AccessibilitySection, KioskSection
from kiosk.controller import KioskController
from kiosk.keypad import Keypad
from kiosk.narration import Narrator
from wartemarke.keys import KEYCODES

BERLIN = ZoneInfo("Europe/Berlin")
#: Saturday 21 November 2026, 10:00 in Düsseldorf.
NOW = datetime(2026, 11, 21, 10, 0, tzinfo=BERLIN)


@dataclass
class Rig:
    controller: KioskController
    api: FakeApi
    printer: FakePrinter
    runner: ManualRunner
    scheduler: FakeScheduler
    views: list

    @property
    def view(self):
        return self.views[-1]

    def settle(self) -> None:
        """Let every background job finish (as if the network and printer were instant)."""
        self.scheduler.advance(0.05)  # printing starts a moment after the ticket is shown
        while self.runner.jobs:
            self.runner.run_all()
            self.scheduler.advance(0.05)


def make_rig(
    printer: FakePrinter | None = None,
    api: FakeApi | None = None,
    accessibility: AccessibilitySection | None = None,
    scanner: bool = False,
    **settings,
) -> Rig:
    api = api or FakeApi()
    printer = printer if printer is not None else FakePrinter()
    runner = ManualRunner()
    scheduler = FakeScheduler()
    keys = iter(f"key-{n}" for n in range(1, 1000))
    section = KioskSection(staff_pin="2468", office_name="Amt für Migration", **settings)
    controller = KioskController(
        api=api,
        printer=printer,
        runner=runner,
        scheduler=scheduler,
        settings=section,
        clock=scheduler.clock,
        now=lambda: NOW,
        new_key=lambda: next(keys),
        accessibility=accessibility,
        scanner=scanner,
    )
    views: list = []
    controller.on_view = views.append
    return Rig(controller, api, printer, runner, scheduler, views)


@dataclass
class GuidedRig(Rig):
    """A rig with the keypad and speech: `press("down")` is a key, `speech` records what is said."""

    speech: RecordingSpeech | None = None
    keypad: Keypad | None = None

    def press(self, key: str) -> None:
        self.keypad.key_down(KEYCODES[key], [])
        self.settle()


def make_guided_rig(
    voices: frozenset[str] | None = None, accessibility: AccessibilitySection | None = None, **kwargs
) -> GuidedRig:
    """A started kiosk whose views also go to a narrator, with the keys of the shipped kiosk.toml."""
    from kiosk.config import KeysSection

    rig = make_rig(accessibility=accessibility, **kwargs)
    speech = RecordingSpeech(**({"voices": voices} if voices is not None else {}))
    narrator = Narrator(speech, fallback_language="en", view_in=rig.controller.view)
    guided = GuidedRig(**vars(rig), speech=speech, keypad=Keypad(KeysSection(), rig.controller, narrator))

    def show(view) -> None:
        guided.views.append(view)
        narrator.show(view)

    rig.controller.on_view = show
    rig.controller.start()
    guided.settle()
    return guided
