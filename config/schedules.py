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
    # Jobs of the jobs page (organizations/jobs.py), each fanned out per county into JobRun rows.
    "check-satisfaction-thresholds": {
        "task": "rectification.tasks.check_satisfaction_thresholds_everywhere",
        "schedule": crontab(hour=1, minute=30),
    },
    "make-summary-reports": {  # the day after a period's reports were due; later runs refresh it
        "task": "rectification.tasks.make_summary_reports",
        "schedule": crontab(hour=3, minute=45),
    },
    "send-reminders": {
        "task": "rectification.tasks.send_reminders",
        "schedule": crontab(hour=7, minute=30),
    },
    "send-digests": {
        "task": "rectification.tasks.send_digests",
        "schedule": crontab(hour=7, minute=45),
    },
}
