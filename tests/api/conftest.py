"""API fixtures: the export tests' plan history, and clients signed in with a token per role."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from api.models import TokenScope
from api.services import api_token_issue
from tests.exports.conftest import dept_staff, history, media  # noqa: F401  (fixtures reused)

ROLES = ("admin", "supervisor", "leader", "unit_manager", "unit_staff", "other_staff")


@pytest.fixture
def token_for(people):
    """Return a function giving (token, key) for a user, issued by the admin."""

    def issue(user, scope: str = TokenScope.WRITE, rate: str = ""):
        return api_token_issue(
            actor=people["admin"], user=user, name=f"测试令牌 {user.username}", scope=scope, rate=rate
        )

    return issue


@pytest.fixture
def api(people, token_for):
    """Return a function giving an APIClient that sends a token of the role's person (write scope by default)."""

    def client(role: str, scope: str = TokenScope.WRITE) -> APIClient:
        _token, key = token_for(people[role], scope)
        api_client = APIClient()
        api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
        return api_client

    return client


@pytest.fixture
def anonymous() -> APIClient:
    return APIClient()
