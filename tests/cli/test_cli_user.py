"""``ctrack user add|list|set`` through Typer's CliRunner: the account rules of the service layer hold on the CLI."""
from __future__ import annotations

from typer.testing import CliRunner

from ctrack.cli import app

PASSWORD = "mauve tractor lagoon"


def run(*args, stdin=None):
    return CliRunner().invoke(app, [*args], input=stdin, catch_exceptions=False, env={"COLUMNS": "240"})


def test_accounts_from_the_cli(db_url):
    assert run("user", "add", "ada", "--role", "admin", "--db", db_url, stdin=PASSWORD + "\n").exit_code == 0
    assert run("user", "add", "cy", "--role", "viewer", "--db", db_url, stdin=PASSWORD + "\n").exit_code == 0
    listed = run("user", "list", "--db", db_url).output
    assert "ada" in listed and "admin" in listed and "cy" in listed
    refused = run("user", "set", "ada", "--disabled", "--db", db_url)
    assert refused.exit_code != 0 and "last active admin" in refused.output
    assert run("user", "set", "cy", "--role", "admin", "--db", db_url).exit_code == 0
    done = run("user", "set", "ada", "--role", "analyst", "--db", db_url)
    assert done.exit_code == 0 and "ada: analyst, active" in done.output
    weak = run("user", "set", "cy", "--password", "--db", db_url, stdin="short\n")
    assert weak.exit_code != 0 and "password" in weak.output
