"""`tandem keys`: print a key derived from TANDEM_SECRET_KEY for one purpose (core/keys.py)."""

from __future__ import annotations

import click

from tandem.cli.common import cli_settings
from tandem.core import keys
from tandem.core.settings import DEV_SECRET

SHOWABLE = {"customer-identity": keys.Purpose.CUSTOMER_IDENTITY, "account-backend": keys.Purpose.ACCOUNT_BACKEND}


@click.command("keys")
@click.argument("purpose", type=click.Choice(sorted(SHOWABLE)))
def keys_command(purpose: str) -> None:
    """Print the hex key for PURPOSE: give `customer-identity` to the site that signs customer_ref and
    `account-backend` to the account API that verifies Tandem's requests; never the server secret itself."""
    secret = cli_settings().secret_key
    if secret == DEV_SECRET:
        click.echo("warning: TANDEM_SECRET_KEY is not set; this is the public development key", err=True)
    click.echo(keys.derive(secret, SHOWABLE[purpose]).hex())
