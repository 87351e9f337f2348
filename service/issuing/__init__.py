"""Issuing a letter: validation, numbering, rendering (docxtpl), conversion
(LibreOffice), and the orchestrators that run them in order."""
