"""Serve the event database over HTTP: a read-only API and an offline dashboard."""
