#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        settings.INSTALLED_APPS  # noqa: B018 - loads the settings, which refuse a missing secret
    except ImproperlyConfigured as error:
        # A setting that stops start-up is bad input, as for every command: exit 2 saying which.
        print(f"Refusing to start: {error}", file=sys.stderr)
        sys.exit(2)
    execute_from_command_line(sys.argv)
