"""A draft's life before signing, as an office lives it (SRIKANDI's konsep → paraf → tanda tangan):

konsep → each verifikator in order gives paraf (:mod:`.paraf`) or sends it back with a note
(``dikembalikan``, :mod:`.kembalikan`) → ``siap_ditandatangani`` → signed, when the number is taken
(:mod:`service.signatures.sign_letter`). A draft can be revised into a new version, which resets the
paraf (:mod:`.revisi`), or cancelled, never having held a number (:mod:`.batal`). Who gives paraf
comes from the request or the unit's default route in the directory (:mod:`.route`).
"""
