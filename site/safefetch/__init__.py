"""Outbound HTTP for every app: fetch a URL someone else chose without letting it reach our own network."""
