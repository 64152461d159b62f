"""``ckan molisa ...`` commands."""
import pytest

import ckan.tests.helpers as helpers
from ckanext.molisa.cli import molisa

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")


def test_seed_units_twice(cli):
    result = cli.invoke(molisa, ["seed-units"])
    assert result.exit_code == 0, result.output
    assert "45 created" in result.output
    result = cli.invoke(molisa, ["seed-units"])
    assert result.exit_code == 0, result.output
    assert "0 created, 0 updated, 45 unchanged" in result.output


def test_ensure_sysadmin_generates_a_password_once(cli, tmp_path):
    pwfile = tmp_path / "pw"
    result = cli.invoke(molisa, ["ensure-sysadmin", "boss", "--password-file", str(pwfile)])
    assert result.exit_code == 0, result.output
    password = pwfile.read_text().strip()
    assert len(password) >= 20
    assert password in result.output
    assert oct(pwfile.stat().st_mode & 0o777) == "0o600"
    assert helpers.call_action("user_show", id="boss")["sysadmin"] is True
    result = cli.invoke(molisa, ["ensure-sysadmin", "boss", "--password-file", str(pwfile)])
    assert result.exit_code == 0
    assert password not in result.output
    assert "exists" in result.output
