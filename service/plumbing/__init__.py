"""Plumbing every use case stands on: settings, typed errors, the registry's
tables and queries, the content-addressed file store, stage timing."""
