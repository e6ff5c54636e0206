"""Workers need the PostgreSQL store: each test gets its own schema (see tests/store)."""

from tests.store.conftest import pg_url

__all__ = ["pg_url"]
