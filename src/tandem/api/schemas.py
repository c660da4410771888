"""Request bodies (Pydantic), strict about types and sizes."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from tandem.engines.assistant.escalation import EscalationReason


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_max_length=20_000)


class ConversationCreate(Strict):
    language: str = Field("en", pattern=r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})?$")
    channel: str = Field("web", pattern=r"^(web|api|email|sms)$")
    customer_ref: str | None = Field(None, min_length=1, max_length=128)
    signature: str | None = Field(None, max_length=128)
    # the signature's expiry, epoch seconds (signed as "v1.<exp>.<customer_ref>", core/embed.py)
    exp: int | None = Field(None, ge=0, le=2**40)


class MessageCreate(Strict):
    body: str
    client_id: str | None = Field(None, min_length=1, max_length=64)


class RatingCreate(Strict):
    score: int = Field(ge=1, le=5)
    comment: str | None = Field(None, max_length=2000)


class HandoffCreate(Strict):
    reason: EscalationReason = EscalationReason.CUSTOMER_BUTTON


class Login(Strict):
    email: str = Field(max_length=254)
    password: str = Field(max_length=200)


class AgentSignup(Strict):
    name: str = Field(min_length=1, max_length=200)
    email: str = Field(max_length=254)
    password: str = Field(min_length=8, max_length=200)
    languages: list[str] = Field(min_length=1, max_length=20)
    topics: list[str] = Field(default_factory=list, max_length=10)
    capacity: int = Field(2, ge=1, le=4)
    country: str | None = Field(None, max_length=64)
    timezone: str | None = Field(None, max_length=64)
    # the token of an invite link (signup_mode = "invite"); ignored in open mode
    invite: str | None = Field(None, max_length=128)


class PresenceUpdate(Strict):
    presence: str = Field(pattern=r"^(available|away|offline)$")


class DeclineBody(Strict):
    reason: str | None = Field(None, max_length=200)


class AgentMessage(Strict):
    body: str
    client_id: str | None = Field(None, min_length=1, max_length=64)
