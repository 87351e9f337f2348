"""DOCX → PDF/A-2b with LibreOffice kept warm, and reading where the signature goes."""

from .destinations import find_destination
from .errors import ConversionFailed
from .pool import ConverterPool

__all__ = ["ConverterPool", "ConversionFailed", "find_destination"]
