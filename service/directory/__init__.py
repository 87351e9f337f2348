"""The directory of a pemda: its units and officials, as its personnel system (SIMPEG) exports them.

What it is for: a letter that names a unit or an official the directory
holds takes its kop and its signature block from here, and the roles a
request claims for an official are checked against the roles the
directory grants (:mod:`.fill`). The directory is imported from and
exported to a CSV, one row per pegawai (:mod:`.csvfile`); the use cases the
API, the CLI and the staff pages call are in :mod:`.directory`.
"""
