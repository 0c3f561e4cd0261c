"""Development profile: the embedded defaults (SQLite, filesystem broker) with DEBUG on."""

from config.env import env_bool, env_str
from config.settings.base import *  # noqa: F403

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env_str("SECRET_KEY", "local-development-key-not-for-production-use-0123456789")
