"""Every periodic schedule of the portal, in one place (read by Celery beat via settings)."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    "purge-finished-import-files": {
        "task": "organizations.tasks.purge_finished_import_files",
        "schedule": crontab(hour=3, minute=15),
    },
    "prepare-period-reports": {
        "task": "rectification.tasks.prepare_period_reports",
        "schedule": crontab(hour=2, minute=30),
    },
}
