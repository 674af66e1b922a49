"""The waiting-room display: who is called where, what to expect, spoken out loud.

`board` (events in, what to show out) and `board_view` (the text, per language) have no Kivy
import; `announcer` + `sound` speak; `live_feed` talks to the server; `board_screen` + `display.kv`
draw; `app` wires them; `main` is `wartemarke display`.
"""
