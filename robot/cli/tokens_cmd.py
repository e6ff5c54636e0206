"""`ringcheck tokens create|list|revoke`: API tokens for the web console and the REST API.

Whoever can run this command on the project can reach its store, so it acts as an admin. The
token is printed alone on stdout (for `TOKEN=$(ringcheck tokens create ci --role operator)`)
and never again; the store keeps only its hash. Each change goes to the audit log.
"""

from __future__ import annotations

import typer
from rich.table import Table

from robot.cli.audit_cli import cli_actor, record_cli
from robot.cli.config_cmd import console, print_json, project_from
from robot.cli.printable import cell
from robot.domain.access import Action, Role
from robot.errors import UsageError
from robot.store.results import SqlResultStore
from robot.store.tokens import ApiToken, SqlTokens
from robot.wiring import open_project_store

tokens_app = typer.Typer(help="API tokens for the web console and REST API.", no_args_is_help=True)


def _role(value: str) -> Role:
    try:
        return Role(value.strip().lower())
    except ValueError:
        raise UsageError(
            f"--role {value!r}: choose one of {', '.join(r.value for r in Role)} "
            "(viewers read; operators also trigger and cancel runs and enable or disable "
            "handsets; admins also manage tokens)"
        ) from None


def token_dict(token: ApiToken) -> dict[str, object]:
    return {
        "id": token.id,
        "name": token.name,
        "role": token.role.value,
        "prefix": token.prefix,
        "sign_in_once": token.once,
        "created_at": token.created_at.isoformat(),
        "created_by": token.created_by,
        "last_used_at": token.last_used_at.isoformat() if token.last_used_at else None,
        "revoked_at": token.revoked_at.isoformat() if token.revoked_at else None,
        "revoked_by": token.revoked_by,
    }


def _store(ctx: typer.Context) -> SqlResultStore:
    return open_project_store(project_from(ctx))


@tokens_app.command("create")
def create(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="Who or what uses it: a person, a CI job."),
    role: str = typer.Option("viewer", "--role", help="viewer, operator or admin."),
    once: bool = typer.Option(
        False, "--once", help="A sign-in link's token: signs one browser in, then expires."
    ),
) -> None:
    """Create a token and print it alone on stdout (it is not shown again)."""
    chosen = _role(role)
    actor = cli_actor()
    store = _store(ctx)
    try:
        token, secret = SqlTokens(store.engine, store.clock).create(
            name, chosen, created_by=actor, once=once
        )
        record_cli(store, Action.TOKEN_CREATE, f"token {token.name}", role=token.role.value,
                   once=once)  # fmt: skip
    finally:
        store.close()
    typer.echo(secret)
    typer.echo(
        f"token {token.name!r} ({token.role.value}) created; copy it now: only its hash is kept",
        err=True,
    )


@tokens_app.command("list")
def list_cmd(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    all_tokens: bool = typer.Option(False, "--all", help="Include revoked tokens."),
) -> None:
    """Tokens with their role, creator and last use (never the tokens themselves)."""
    store = _store(ctx)
    try:
        tokens = SqlTokens(store.engine, store.clock).list(include_revoked=all_tokens)
    finally:
        store.close()
    if as_json:
        print_json([token_dict(t) for t in tokens])
        return
    table = Table("name", "role", "starts with", "created", "by", "last used", "revoked",
                  title="API tokens")  # fmt: skip
    for t in tokens:
        row = token_dict(t)
        table.add_row(
            *(cell(row[k] if row[k] is not None else "-") for k in
              ("name", "role", "prefix", "created_at", "created_by", "last_used_at",
               "revoked_at"))
        )  # fmt: skip
    console().print(table)


@tokens_app.command("revoke")
def revoke(
    ctx: typer.Context, name: str = typer.Argument(..., help="The token's name (or id).")
) -> None:
    """Revoke a token at once; browsers signed in with it are signed out."""
    actor = cli_actor()
    store = _store(ctx)
    try:
        token = SqlTokens(store.engine, store.clock).revoke(name, by=actor)
        record_cli(store, Action.TOKEN_REVOKE, f"token {token.name}")
    finally:
        store.close()
    typer.echo(f"revoked token {token.name!r} ({token.role.value})")


def register(app: typer.Typer) -> None:
    app.add_typer(tokens_app, name="tokens")
