"""WSGI entry of the audit lock benchmark's server: the clinic, with the audit chain step timed, and
switched off when AUDIT_LOCK_CHAIN_STEP is "off" (bench/chain_step.py). Only `python -m bench
audit_lock` starts a server with it."""

import os
from pathlib import Path

from django.core.wsgi import get_wsgi_application

from bench import chain_step

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()
chain_step.set_up_server(chain_step=os.environ["AUDIT_LOCK_CHAIN_STEP"],
                         times_dir=Path(os.environ["AUDIT_LOCK_TIMES_DIR"]))
