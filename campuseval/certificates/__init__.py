"""Certificates (证书) of the schools a published campaign certifies: numbered, verifiable."""
