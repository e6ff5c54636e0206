"""ringcheck's robot: domain, config, SIP dialing, screen reading, engine, store, CLI."""

__version__ = "0.1.0"
