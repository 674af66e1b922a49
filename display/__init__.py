"""The waiting-room display: who is called where, what to expect, spoken out loud.

No Kivy: `board` (events and snapshots in, calls and services out), `board_view` (that as text in
one language), `counter_label`, `callout` (the spoken sentence), `announcer` + `sound` (chime and
espeak-ng, one announcement after the other), `live_feed` (EventStream + board reloads),
`session` (wires them), `palette`, `burn_in`, `config`.
Kivy: `board_screen` + `display.kv` (layout), `app` (the App), `main` (`wartemarke display`).
"""
