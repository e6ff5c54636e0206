"""Configuration: the project file, numbers and farm inventories, secrets from the environment.

The only package that reads config files or environment variables; everything else receives
a loaded `Project` made of domain objects. Names load on first use (`robot.lazy`): the
pydantic models are built only by a command that reads a project.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from robot.lazy import lazy_exports

if TYPE_CHECKING:
    from robot.config.farm import Carrier
    from robot.config.project import Project, Webhook, load_project
    from robot.config.secrets import expand_env_refs, secret_from_env
    from robot.config.store_settings import PROJECT_FILE

__getattr__ = lazy_exports(
    __name__,
    {
        "Carrier": "robot.config.farm",
        "PROJECT_FILE": "robot.config.store_settings",
        "Project": "robot.config.project",
        "Webhook": "robot.config.project",
        "load_project": "robot.config.project",
        "expand_env_refs": "robot.config.secrets",
        "secret_from_env": "robot.config.secrets",
    },
)

__all__ = [
    "PROJECT_FILE",
    "Carrier",
    "Project",
    "Webhook",
    "expand_env_refs",
    "load_project",
    "secret_from_env",
]
