"""Configuration: the project file, numbers and farm inventories, secrets from the environment.

The only package that reads config files or environment variables; everything else receives
a loaded `Project` made of domain objects.
"""

from robot.config.farm import Carrier
from robot.config.project import PROJECT_FILE, Project, Webhook, load_project
from robot.config.secrets import expand_env_refs, secret_from_env

__all__ = [
    "PROJECT_FILE",
    "Carrier",
    "Project",
    "Webhook",
    "expand_env_refs",
    "load_project",
    "secret_from_env",
]
