"""The demo clinic (manage.py seed_demo, demo mode only): each app's made-up data, assembled in `seed`.

Nothing outside this package imports it.
"""
