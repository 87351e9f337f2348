"""DOCX → PDF/A-2b with LibreOffice kept warm."""

from .errors import ConversionFailed
from .pool import ConverterPool

__all__ = ["ConverterPool", "ConversionFailed"]
