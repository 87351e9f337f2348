"""The archive copy of a signed letter: the numbered letter with its paraf printed on it, for the regions
whose profile asks for it (``[paraf] cetak_arsip``)."""
