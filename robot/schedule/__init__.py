"""The scheduler behind `ringcheck serve`: scenario schedules as persistent APScheduler jobs."""
