"""``ctrack serve``, ``ctrack user add`` and ``ctrack token create``: run the web app and HTTP API, manage access.

- ``ctrack serve [--host H] [--port P] [--db URL]`` runs the app of
  :func:`ctrack.web.app.create_app` with uvicorn (pages at ``/``, the API at
  ``/api/v1``). Behind a TLS proxy, pass ``--proxy-headers`` (the default)
  so that ``X-Forwarded-Proto: https`` marks the session cookie ``Secure``;
  ``--secure-cookies`` forces it. ``X-Forwarded-For``/``-Proto`` are
  believed only from the addresses of ``--forwarded-allow-ips`` (default
  ``127.0.0.1``, a proxy on the same machine): from anyone else a client
  could pick the address the sign-in throttle counts.
- ``ctrack user add NAME --role viewer|analyst|admin`` creates an account;
  the password is read from standard input when it is not a terminal
  (``echo "$PW" | ctrack user add …``), else prompted twice.
  ``ctrack user list`` lists the accounts and ``ctrack user set NAME``
  changes a role, disables an account or resets a password.
- ``ctrack token create NAME [--label TEXT]`` prints a new personal API
  token for NAME (shown once; clients send ``Authorization: Bearer …``).
"""
from __future__ import annotations

import sys
from typing import Optional

import typer
from rich.table import Table

from ctrack.cli.app import DB_OPTION_HELP, app, console, db_url, err
from ctrack.cli.kb import EXIT_INPUT, fail, open_kb
from ctrack.errors import CtrackError, StoreError
from ctrack.service import accounts
from ctrack.store import web_repo
from ctrack.store.db import session_scope
from ctrack.store.web_models import UserRole

user_app = typer.Typer(help="Manage accounts of the web app and API.", no_args_is_help=True)
token_app = typer.Typer(help="Manage personal API tokens.", no_args_is_help=True)
app.add_typer(user_app, name="user")
app.add_typer(token_app, name="token")


@app.command("serve")
def serve_cmd(
    host: str = typer.Option("127.0.0.1", "--host", help="address to listen on (0.0.0.0 for every interface)"),
    port: int = typer.Option(8000, "--port", help="TCP port"),
    db: Optional[str] = typer.Option(None, "--db", help=DB_OPTION_HELP),
    secure_cookies: Optional[bool] = typer.Option(
        None, "--secure-cookies/--no-secure-cookies",
        help="mark the session cookie Secure always / never (default: when the request came over HTTPS)"),
    proxy_headers: bool = typer.Option(True, "--proxy-headers/--no-proxy-headers",
                                       help="trust X-Forwarded-Proto/For from the proxy in front"),
    forwarded_allow_ips: str = typer.Option(
        "127.0.0.1", "--forwarded-allow-ips",
        help="comma-separated addresses (or networks) of the proxies whose X-Forwarded-* headers are believed"),
) -> None:
    """Run the web app (pages at /) and the HTTP API (/api/v1) on the knowledge base."""
    import uvicorn

    from ctrack.web.app import create_app
    from ctrack.api.settings import Settings

    url = db_url(db)
    try:
        application = create_app(Settings(db_url=url, secure_cookies=secure_cookies))
    except StoreError as exc:
        fail(exc, code=2)
    with session_scope(application.state.engine) as session:
        if not accounts.has_accounts(session):
            err.print("[yellow]no accounts yet[/]: create one with "
                      "[bold]ctrack user add NAME --role admin[/] (same --db)", highlight=False)
    console.print(f"ctrack on [bold]http://{host}:{port}/[/] — API at /api/v1 — database {url}", highlight=False)
    uvicorn.run(application, host=host, port=port, proxy_headers=proxy_headers,
                forwarded_allow_ips=forwarded_allow_ips if proxy_headers else None, log_level="info")


def _read_password(confirm: bool = True) -> str:
    """The password from standard input (first line) when it is piped, else prompted (twice)."""
    if not sys.stdin.isatty():
        line = sys.stdin.readline()
        return line.rstrip("\r\n")
    return typer.prompt("Password", hide_input=True, confirmation_prompt=confirm)


@user_app.command("add")
def user_add(
    name: str = typer.Argument(..., help="login name"),
    role: UserRole = typer.Option(UserRole.VIEWER, "--role", help="viewer reads; analyst reviews and edits; admin manages users"),
    db: Optional[str] = typer.Option(None, "--db", help=DB_OPTION_HELP),
) -> None:
    """Create an account; the password comes from standard input or a prompt."""
    engine = open_kb(db)
    password = _read_password()
    try:
        with session_scope(engine) as session:
            user = accounts.add_account(session, name, role, password)
            console.print(f"created user [bold]{user.name}[/] ({user.role.value})", highlight=False)
    except CtrackError as exc:
        fail(exc, EXIT_INPUT)


@user_app.command("list")
def user_list(db: Optional[str] = typer.Option(None, "--db", help=DB_OPTION_HELP)) -> None:
    """List the accounts."""
    engine = open_kb(db)
    with session_scope(engine) as session:
        table = Table("name", "role", "active", "created")
        for u in accounts.list_accounts(session):
            table.add_row(u.name, u.role.value, "yes" if u.active else "no", u.created_at.strftime("%Y-%m-%d"))
    console.print(table)


@user_app.command("set")
def user_set(
    name: str = typer.Argument(..., help="login name"),
    role: Optional[UserRole] = typer.Option(None, "--role", help="new role"),
    active: Optional[bool] = typer.Option(None, "--active/--disabled", help="enable or disable the account"),
    password: bool = typer.Option(False, "--password", help="set a new password (stdin or prompt)"),
    db: Optional[str] = typer.Option(None, "--db", help=DB_OPTION_HELP),
) -> None:
    """Change an account's role, enable or disable it, or reset its password."""
    engine = open_kb(db)
    new_password = _read_password() if password else None
    try:
        with session_scope(engine) as session:
            user = accounts.change_account(session, name, role=role, active=active, password=new_password)
            console.print(f"{user.name}: {user.role.value}, {'active' if user.active else 'disabled'}",
                          highlight=False)
    except CtrackError as exc:
        fail(exc, EXIT_INPUT)


@token_app.command("create")
def token_create(
    name: str = typer.Argument(..., help="the account the token acts as"),
    label: Optional[str] = typer.Option(None, "--label", help="what the token is for"),
    db: Optional[str] = typer.Option(None, "--db", help=DB_OPTION_HELP),
) -> None:
    """Print a new personal API token for NAME (shown only this once)."""
    engine = open_kb(db)
    try:
        with session_scope(engine) as session:
            token, _ = web_repo.create_token(session, name, label=label)
    except CtrackError as exc:
        fail(exc, EXIT_INPUT)
    console.out(token, highlight=False)
    err.print("send it as 'Authorization: Bearer <token>'; it is not stored and cannot be shown again",
              highlight=False)


@token_app.command("list")
def token_list(name: str = typer.Argument(..., help="account"),
               db: Optional[str] = typer.Option(None, "--db", help=DB_OPTION_HELP)) -> None:
    """List NAME's tokens (their first characters only)."""
    engine = open_kb(db)
    try:
        with session_scope(engine) as session:
            table = Table("id", "starts with", "label", "created", "last used", "revoked")
            for t in web_repo.list_tokens(session, name):
                table.add_row(str(t.id), t.prefix + "…", t.label or "", t.created_at.strftime("%Y-%m-%d"),
                              t.last_used_at.strftime("%Y-%m-%d %H:%M") if t.last_used_at else "",
                              t.revoked_at.strftime("%Y-%m-%d") if t.revoked_at else "")
    except CtrackError as exc:
        fail(exc, EXIT_INPUT)
    console.print(table)


@token_app.command("revoke")
def token_revoke(token_id: int = typer.Argument(..., help="token id (from 'ctrack token list')"),
                 db: Optional[str] = typer.Option(None, "--db", help=DB_OPTION_HELP)) -> None:
    """Revoke a token: requests with it get 401 from now on."""
    engine = open_kb(db)
    try:
        with session_scope(engine) as session:
            web_repo.revoke_token(session, token_id)
    except CtrackError as exc:
        fail(exc, EXIT_INPUT)
    console.print(f"token {token_id} revoked")
