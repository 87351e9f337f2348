"""Exceptions raised by :mod:`signing` (verification never raises)."""


class SigningError(Exception):
    """A document could not be signed, or a signer could not be loaded."""


class WrongPassphrase(SigningError):
    """The passphrase or PIN does not unlock the key.

    The message never contains the secret that was tried.
    """
