"""Work across hosts: runs planned centrally, one queue job per attempt on its farm site's
Procrastinate queue, `ringcheck worker --site NAME` next to the phones (see docs/deploy.md).

Procrastinate and its PostgreSQL connector are imported only by the modules that need them.
"""
