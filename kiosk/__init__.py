"""The touchscreen kiosk at the entrance: a ticket in two taps, in the visitor's language.

`controller` decides what happens (no Kivy); `kiosk.kv` and `screens` draw it; `app` wires them.
"""
