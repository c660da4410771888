"""`tandem embed sign`: sign a customer_ref with an expiry, as the company's server would (docs/api.md)."""

from __future__ import annotations

import html
import json
import time
from pathlib import Path

import click

from tandem.cli.common import cli_settings, config_option
from tandem.core import embed
from tandem.core.settings import DEV_SECRET


@click.group("embed")
def embed_group() -> None:
    """The signed embed: the company's site vouches for its logged-in customer."""


@embed_group.command("sign")
@click.option("--ref", "customer_ref", required=True, help="The customer's reference in your account system.")
@click.option("--ttl", default=3600, show_default=True, type=click.IntRange(1, None),
              help="Seconds until the signature expires (at most embed_max_ttl_s).")
@click.option("--json", "as_json", is_flag=True, help="Print customer_ref, exp and signature as JSON.")
@config_option
def sign(customer_ref: str, ttl: int, as_json: bool, config: Path | None) -> None:
    """Print exp, the signature and the widget tag for --ref, signed with the server's customer-identity key."""
    settings = cli_settings(config)
    if settings.secret_key == DEV_SECRET:
        click.echo("warning: TANDEM_SECRET_KEY is not set; this signs with the public development key", err=True)
    if ttl > settings.embed_max_ttl_s:
        raise click.ClickException(f"--ttl {ttl} is longer than embed_max_ttl_s ({settings.embed_max_ttl_s:g} s): "
                                   "the server would refuse it")
    exp = int(time.time()) + ttl
    signature = embed.sign(settings.secret_key, customer_ref, exp)
    if as_json:
        click.echo(json.dumps({"customer_ref": customer_ref, "exp": exp, "signature": signature}))
        return
    click.echo(f"message:   {embed.message(customer_ref, exp).decode()}")
    click.echo(f"exp:       {exp}")
    click.echo(f"signature: {signature}")
    click.echo(f'<script src="{html.escape(settings.public_url.rstrip("/"))}/widget.js" '
               f'data-customer-ref="{html.escape(customer_ref)}" data-exp="{exp}" data-signature="{signature}" '
               'async></script>')
