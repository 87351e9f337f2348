"""Safe retries: the ``Idempotency-Key`` header (IETF draft-ietf-httpapi-idempotency-key-header).

A client that sends a POST and gets no answer (a timeout, a dropped
connection) cannot know whether its letter was made. Sent again with the
same key, the request gets the first answer again instead of a second
letter: :mod:`.store` keeps each client's keys for 24 hours, :mod:`.http`
applies them to every API POST in one place.
"""
