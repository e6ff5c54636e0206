"""`python -m robot.cli` runs the `ringcheck` command (used by tests and supervisors)."""

from robot.cli.app import main

main()
