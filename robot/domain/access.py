"""Who may do what in the console and the API: three roles, each allowing what the one below
allows and more. Viewers read; operators also trigger and cancel runs and take handsets in and
out of service; admins also manage tokens."""

from __future__ import annotations

import enum


class Role(enum.StrEnum):
    VIEWER = "viewer"
    OPERATOR = "operator"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return _RANK[self]

    def allows(self, needed: Role) -> bool:
        """True when this role may do what `needed` may."""
        return self.rank >= needed.rank


_RANK = {Role.VIEWER: 0, Role.OPERATOR: 1, Role.ADMIN: 2}


class Action(enum.StrEnum):
    """What the audit log records, in words a reader of the log understands."""

    SIGN_IN = "sign_in"
    SIGN_IN_FAILED = "sign_in_failed"
    SIGN_OUT = "sign_out"
    RUN_TRIGGER = "run.trigger"
    RUN_CANCEL = "run.cancel"
    HANDSET_ENABLE = "handset.enable"
    HANDSET_DISABLE = "handset.disable"
    HANDSET_RELEASE = "handset.release"
    TOKEN_CREATE = "token.create"
    TOKEN_REVOKE = "token.revoke"
