"""FastAPI dependencies, all in one place."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request

from tandem.api.ratelimit import Limiter
from tandem.core.errors import Forbidden, Unauthorized
from tandem.services import agents as agent_service
from tandem.services.context import Services
from tandem.storage.models import Agent

# The dependencies that only read the request or the app are `async def`: FastAPI runs a plain `def` dependency
# in the threadpool (one hop to a worker thread and back per dependency, per request), and these never block.
# current_agent opens a transaction, so it stays a plain function.


async def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


async def get_limiter(request: Request) -> Limiter | None:
    """The app's rate limiter (None when TANDEM_RATE_LIMIT=false)."""
    limiter: Limiter | None = request.app.state.limiter
    return limiter


LimiterDep = Annotated[Limiter | None, Depends(get_limiter)]


async def bearer(authorization: Annotated[str | None, Header()] = None) -> str:
    """Extract a bearer token from the Authorization header."""
    if not authorization or not authorization.lower().startswith("bearer "):
        raise Unauthorized("send 'Authorization: Bearer <token>'")
    return authorization[7:].strip()


BearerDep = Annotated[str, Depends(bearer)]


async def conversation_token(x_conversation_token: Annotated[str | None, Header()] = None) -> str:
    """The customer's conversation token from the X-Conversation-Token header."""
    if not x_conversation_token:
        raise Unauthorized("send the conversation token in the X-Conversation-Token header")
    return x_conversation_token


CustomerTokenDep = Annotated[str, Depends(conversation_token)]


def current_agent(services: ServicesDep, token: BearerDep) -> Agent:
    with services.work() as work:
        return agent_service.authenticate(work, token)


AgentDep = Annotated[Agent, Depends(current_agent)]


async def current_supervisor(agent: AgentDep) -> Agent:
    if agent.role != "supervisor":
        raise Forbidden("supervisors only")
    return agent


SupervisorDep = Annotated[Agent, Depends(current_supervisor)]
