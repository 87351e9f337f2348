"""Signatures: what signing needs at start-up (keys, trust, timestamp
authority), the limit on wrong passphrases, signing an issued letter, and
verifying an uploaded PDF against the registry."""
