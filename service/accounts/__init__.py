"""Staff accounts of a pemda: who they are, what roles they hold, their sign-in sessions.

An account (:class:`~.models.Akun`) belongs to one pemda (``wilayah``) and
holds roles (:data:`~.models.PERAN_STAF`); its password is kept only as an
Argon2id hash (:mod:`.passwords`). A sign-in opens a session row
(:class:`~.models.SesiAkun`) whose random token rides in the browser's
cookie; every request looks the token up, so signing out, a password
change or a deactivated account ends the session on the next request even
if an old cookie is replayed.
"""
