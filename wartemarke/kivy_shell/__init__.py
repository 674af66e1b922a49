"""What the three Kivy apps (kiosk, display, counter) share and only they import: Kivy lives here.

`startup` (the command line, the config check before Kivy starts, window options, running and
stopping), `clock` (the `UiThread` emptied by Kivy's Clock, timers on it), `fonts` (the bundled
fonts registered with Kivy). The Kivy-free halves are in the ground floor proper:
`wartemarke.ui_thread`, `wartemarke.fonts`, `wartemarke.palette`.
"""
