"""Deployment checks: every setting that makes a production server unsafe, each with what to do about it.

`tandem serve` (production unless TANDEM_ENV says otherwise) refuses to start while any of these holds, and
prints all of them at once; `tandem check-deploy` prints the same list. The app refuses them too
(`api.app.create_app`), so a server built some other way cannot skip the check.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlparse

from tandem.core.settings import DEV_SECRET, MIN_SECRET_BYTES, Settings

GENERATE = "python -c 'import secrets; print(secrets.token_urlsafe(48))'"


@dataclass(frozen=True, slots=True)
class Problem:
    """One unsafe setting: which variable, what is wrong, and what to do."""

    setting: str
    problem: str
    fix: str

    def __str__(self) -> str:
        return f"{self.setting}: {self.problem}\n    -> {self.fix}"


class UnsafeDeployment(RuntimeError):
    """Production settings that must not serve traffic; carries every problem, not just the first."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(report(problems))


def problems(settings: Settings) -> list[Problem]:
    """Every unsafe setting, judged by production rules whatever TANDEM_ENV says."""
    found: list[Problem] = []
    if settings.env != "production":
        found.append(Problem("TANDEM_ENV", f"is {settings.env!r}: development rules accept the public "
                             "development secret", "unset it (production is the default) or set production"))
    found += _secret_problems(settings.secret_key)
    if settings.demo:
        found.append(Problem("TANDEM_DEMO", "demo mode trusts unsigned customer references and expects seeded "
                             "demo accounts with a public password", "unset TANDEM_DEMO (use `tandem demo` "
                             "on a laptop instead)"))
    if settings.metrics_token is None or not settings.metrics_token.get_secret_value():
        found.append(Problem("TANDEM_METRICS_TOKEN", "/metrics is open to anyone (queue, agents, conversation "
                             "counts)", f"set a long random token ({GENERATE}) and give it to Prometheus"))
    if urlparse(settings.public_url).scheme != "https":
        found.append(Problem("TANDEM_PUBLIC_URL", f"{settings.public_url!r} is not https: tokens and messages "
                             "would cross the network in clear", "serve behind TLS and set the https:// URL "
                             "customers use"))
    if not settings.rate_limit:
        found.append(Problem("TANDEM_RATE_LIMIT", "rate limits are off (meant for load tests only)",
                             "unset TANDEM_RATE_LIMIT"))
    return found


def _secret_problems(secret: str) -> list[Problem]:
    if secret == DEV_SECRET:
        return [Problem("TANDEM_SECRET_KEY", "is not set: the public development secret would let anyone sign "
                        "customer identities", f"set at least {MIN_SECRET_BYTES} random bytes, the same on "
                        f"every replica: {GENERATE}")]
    if len(secret.encode()) < MIN_SECRET_BYTES:
        return [Problem("TANDEM_SECRET_KEY", f"is {len(secret.encode())} bytes; at least {MIN_SECRET_BYTES} are "
                        "needed", f"generate a longer one: {GENERATE}")]
    return []


def refuse_unsafe(settings: Settings) -> None:
    """Raise UnsafeDeployment in production when any setting is unsafe; elsewhere do nothing."""
    if settings.env == "production":
        found = problems(settings)
        if found:
            raise UnsafeDeployment(found)


def report(found: list[Problem]) -> str:
    """The numbered list a person reads."""
    lines = [f"{len(found)} unsafe setting(s):"]
    lines += [f"  {i}. {p}" for i, p in enumerate(found, 1)]
    return "\n".join(lines)
