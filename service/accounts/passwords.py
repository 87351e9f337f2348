"""Passwords: Argon2id hashes (argon2-cffi), the length rule, generated passwords.

Argon2id with OWASP's recommended parameters (19 MiB, 2 passes, one
lane): a stolen table stays costly to guess through, while a sign-in
costs one core some 20 ms, not the 64 MiB over four lanes of argon2-cffi's
default that would take a 2-core server's LibreOffice time away. A hash
made with other parameters is replaced at the owner's next sign-in.
"""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH, MAX_LENGTH = 12, 128
"""At least 12 characters (NIST SP 800-63B asks 8, more for shared-office PCs);
at most 128, so a huge password cannot make a sign-in expensive."""

_HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
_UNKNOWN = _HASHER.hash(secrets.token_urlsafe(16))
"""Verified against when the username is unknown, so an unknown name takes as long as a wrong password."""


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def password_matches(stored: str | None, password: str) -> bool:
    """Whether ``password`` is the one ``stored`` was made from (``None``: no such account, same time spent)."""
    try:
        return _HASHER.verify(stored or _UNKNOWN, password[:MAX_LENGTH]) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    return _HASHER.check_needs_rehash(stored)


def password_problem(password: str, username: str) -> str | None:
    """Why ``password`` cannot be used, in Indonesian; ``None`` if it can."""
    if len(password) < MIN_LENGTH:
        return f"Kata sandi minimal {MIN_LENGTH} karakter."
    if len(password) > MAX_LENGTH:
        return f"Kata sandi maksimal {MAX_LENGTH} karakter."
    if username.lower() in password.lower():
        return "Kata sandi tidak boleh memuat nama pengguna."
    return None


def generate_password() -> str:
    """A random password of 20 URL-safe characters (about 120 bits), for a new account or a reset."""
    return secrets.token_urlsafe(15)
