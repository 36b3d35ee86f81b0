"""WSGI entry point for production servers (see docs/deployment.md)."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "campuseval.settings")
application = get_wsgi_application()
