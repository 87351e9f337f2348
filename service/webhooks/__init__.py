"""Webhooks: an API client learns that a letter changed without polling.

A change writes its event to the outbox (:func:`.outbox.emit`) in the same
transaction as the change itself, so no event is lost if the process dies.
The delivery worker (``suratkerja worker``, :mod:`.worker`) hands each
event to every subscription (:mod:`.subscriptions`) whose client may read
the letter, and sends it signed per Standard Webhooks, retrying with
exponential backoff for 24 hours (:mod:`.delivery`).
"""
