"""The job worker's scheduler loop and the periodic jobs it enqueues (manage.py run_worker)."""
