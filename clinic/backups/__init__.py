"""Backup and restore of the clinic's database and uploaded documents (docs/backup.md)."""
