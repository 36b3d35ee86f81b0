"""Exports for many schools at once (a zip), built by a background job with a progress bar."""
