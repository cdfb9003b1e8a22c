"""WSGI entry point: `gunicorn --pythonpath site config.wsgi`. Page-cache hits are answered in front of
Django's handler (pagecache/front.py)."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(1, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()

from pagecache.front import HitFront  # noqa: E402 (the settings must be configured first)

application = HitFront(application)
