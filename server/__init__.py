"""The queue server: the one source of truth every kiosk, display, counter and phone talks to."""
