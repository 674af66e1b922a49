"""The staff counter app: call, serve and scan tickets at one counter.

`controller` holds what happens (no Kivy), `shortcuts` tells keys from scans (the scanners
themselves are shared with the kiosk: `wartemarke.scanner`), `app` and `counter.kv` are the Kivy
screen, `main` the command.
"""
