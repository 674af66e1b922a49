"""The one exception the printer package raises on purpose."""


class PrinterError(Exception):
    """A printer that cannot be set up as configured: bad URL, unknown profile, missing driver.

    Paper, cover and connection faults are not errors: they come back as a `PrinterReport`, because
    the kiosk must keep going (show the ticket on screen) rather than crash.
    """
