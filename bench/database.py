"""A throw-away database for the benchmarks that go through Django, so a run never touches clinic data.

The first benchmark of a run creates it (a fresh SQLite file, or a fresh PostgreSQL database when
DATABASE_URL is set); later ones in the same process share it, since Django is set up once.
"""

import os
from pathlib import Path


def set_up_django(*, name: str) -> str:
    """Point Django at an empty database named for the benchmark, migrate it, and return the engine."""
    import django
    from django.apps import apps

    if not apps.ready:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        os.environ["DEMO_MODE"] = "true"
        os.environ["REQUIRE_SECOND_FACTOR"] = "false"
        if os.environ.get("DATABASE_URL", "").startswith("postgres"):
            os.environ["DATABASE_URL"] = _fresh_postgres_database(os.environ["DATABASE_URL"], name=name)
        else:
            path = Path(__file__).resolve().parent.parent / "var" / f"bench-{name}.sqlite3"
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            os.environ["DATABASE_URL"] = f"sqlite:///{path}"
        django.setup()
        from django.core.management import call_command
        from django.test.utils import setup_test_environment

        setup_test_environment()
        call_command("migrate", verbosity=0)
        # Pages name their static files through the manifest, as `make run` serves them.
        call_command("collectstatic", interactive=False, verbosity=0)
    return "postgresql" if "postgres" in os.environ["DATABASE_URL"] else "sqlite"


def _fresh_postgres_database(url: str, *, name: str) -> str:
    """A fresh database beside the one DATABASE_URL names, called after it: .../clinic gives
    clinic_bench_<name>, so several people sharing a server each benchmark in their own."""
    import psycopg

    database = f"{url.rsplit('/', 1)[1].split('?')[0] or 'clinic'}_bench_{name}"
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {database}")
        connection.execute(f"CREATE DATABASE {database}")
    return url.rsplit("/", 1)[0] + "/" + database
