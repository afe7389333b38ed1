"""Admin login throttling (django-axes): repeated wrong passwords lock the user out from that address, the
right password is refused while locked, and an operator command unlocks."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/?next=/admin/"


def _login(client, password):
    return client.post(LOGIN, {"username": "staff", "password": password, "next": "/admin/"})


def test_repeated_wrong_passwords_lock_the_admin_login_until_an_operator_unlocks(settings):
    # Given a staff user
    get_user_model().objects.create_superuser("staff", "staff@example.com", "pw-Right-123!")
    client = Client(REMOTE_ADDR="203.0.113.7")
    # When someone tries five wrong passwords
    statuses = [_login(client, "wrong").status_code for _ in range(settings.AXES_FAILURE_LIMIT)]
    assert statuses == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]  # the form again, then the lockout
    # Then the right password is refused too: locked out (HTTP 429), nobody signed in
    locked = _login(client, "pw-Right-123!")
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    # And another address is not locked for that user
    assert _login(Client(REMOTE_ADDR="198.51.100.9"), "pw-Right-123!").status_code == 302
    # When an operator unlocks the user, the right password works again from the first address
    call_command("axes_reset_username", "staff")
    assert _login(client, "pw-Right-123!").status_code == 302
