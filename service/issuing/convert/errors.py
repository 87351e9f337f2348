"""The converter's one failure a caller must handle."""


class ConversionFailed(Exception):
    """LibreOffice could not convert a letter, even after a restart and a retry."""
