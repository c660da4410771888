"""What the API answers: the typed success bodies /openapi.json describes (the customer's routes, then the
agent's).

Each model lists every field the route returns (response_model drops fields a model does not name, so a field
added to a view must be added here too; tests/api/test_response_schemas.py validates real answers against
the published schema)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


class QueueStatus(BaseModel):
    """Where a waiting customer is: position, an honest wait, and one sentence in their language."""

    position: int
    eta_seconds: float | None
    agents_online: int
    explanation: str
    text: str


class ConversationOut(BaseModel):
    id: str
    state: str
    language: str
    channel: str
    last_seq: int
    created_at: float
    rating: int | None


class ConversationCreated(ConversationOut):
    token: str  # the conversation token: X-Conversation-Token on every later call


class ConversationStatus(ConversationOut):
    queue: QueueStatus | None


class MessageOut(BaseModel):
    seq: int
    author: str
    body: str
    client_id: str | None
    created_at: float
    meta: dict[str, Any]


class MessagePage(BaseModel):
    messages: list[MessageOut]
    last_seq: int


class MessageAck(BaseModel):
    seq: int
    client_id: str | None
    duplicate: bool


class HandoffStatus(BaseModel):
    state: str
    language: str
    queue: QueueStatus | None


class ConversationEnded(BaseModel):
    state: str


class RatingOut(BaseModel):
    rating: int | None


class ChatLabels(BaseModel):
    language: str
    languages: list[str]
    messages: dict[str, str]


class CompanyOut(BaseModel):
    name: str
    assistant_name: str
    widget: dict[str, Any]
    languages: list[str]


class Health(BaseModel):
    ok: bool
    version: str
    intent_classifier_ready: bool


class Ok(BaseModel):
    """An action that has nothing to report but that it happened."""

    ok: bool


class PresenceOut(BaseModel):
    presence: str


class Assigned(BaseModel):
    """The conversation an agent now holds (an accepted offer, a claim from the queue)."""

    conversation_id: str
    state: str


class StateOut(BaseModel):
    """A conversation's state after an agent released it (resolved, handed back)."""

    state: str


class SignupAccepted(BaseModel):
    """The same answer for every valid sign-up, whether or not the address was new."""

    status: str
    message: str


class ReviewResult(BaseModel):
    passed: bool
    pay: str  # decimal string, the company's currency


class AgentOut(BaseModel):
    """An agent as they and supervisors see them; skills map topic -> tier name."""

    id: str
    name: str
    email: str
    role: str
    languages: list[str]
    capacity: int
    load: int
    presence: str
    skills: dict[str, str]
    country: str | None
    timezone: str | None


class Session(BaseModel):
    token: str  # bearer token for Authorization: Bearer ...
    expires_in: int  # seconds
    agent: AgentOut


class WaitingEntry(BaseModel):
    """A waiting conversation as an agent who may take it sees it: no customer data."""

    conversation_id: str
    reason: str
    topic: str | None
    language: str
    priority: int
    waiting_since: float
    intent: str | None
    state: str


class WaitingQueue(BaseModel):
    waiting: list[WaitingEntry]
    now: float


class OfferPay(BaseModel):
    """What taking the offer pays, as decimal strings in the company's currency."""

    base: str
    per_minute: str
    surge_bonus: str
    currency: str


class OfferOut(BaseModel):
    """An offer card: the work and the pay, no customer data."""

    id: str
    conversation_id: str
    topic: str | None
    language: str
    reason: str
    intent: str | None
    waiting_since: float
    created_at: float
    expires_at: float
    state: str
    pay: OfferPay


class Offers(BaseModel):
    offers: list[OfferOut]


class AgentConversation(BaseModel):
    """A conversation the agent holds, as their list shows it."""

    id: str
    state: str
    language: str
    intent: str | None
    topic: str | None
    sentiment: float | None
    summary: str | None
    escalation_reason: str | None
    waiting_since: float | None
    assigned_at: float | None
    last_seq: int
    customer_name: str | None


class AgentConversations(BaseModel):
    conversations: list[AgentConversation]


class CannedOut(BaseModel):
    """A canned response; `filled` (for one conversation) has the customer's placeholders filled in."""

    id: str
    title: str
    shortcut: str
    body: str
    language: str
    updated_at: float
    filled: str | None = None


class CannedList(BaseModel):
    canned: list[CannedOut]


class WhisperOut(BaseModel):
    id: str
    author_name: str
    body: str
    created_at: float


class Whispers(BaseModel):
    whispers: list[WhisperOut]


class SurgeNow(BaseModel):
    """The surge level and bonus an offer made now carries."""

    level: str
    bonus: str  # decimal string, the company's currency
    message: str


class NotificationSettingsOut(BaseModel):
    """An agent's surge notification settings."""

    opted_in: bool
    webhook_url: str | None
    has_webhook_secret: bool


class NotificationSettingsSaved(NotificationSettingsOut):
    webhook_secret: str | None  # shown this once, when saving made a new secret; null otherwise


class NoticeOut(BaseModel):
    id: int
    kind: str  # surge call or release notice
    at: float
    level: str
    bonus: str
    message: str
    webhook: str  # delivery outcome: none, delivered, failed, refused, no_secret
    acked_at: float | None


class Notices(BaseModel):
    notices: list[NoticeOut]


class TopicCertification(BaseModel):
    """One topic as the certification page shows it to the agent."""

    topic: str
    wanted: bool
    sensitive: bool
    tier: str | None  # held: new, verified, senior
    required_tier: str  # the least tier routing offers this topic's conversations to
    routable: bool
    has_quiz: bool
    attempts_left: int
    next_attempt_at: float | None
    questions: int
    pass_mark: float


class Certifications(BaseModel):
    topics: list[TopicCertification]


class QuizQuestion(BaseModel):
    """A question with its choices; never the answer."""

    id: str
    question: str
    choices: list[str]
    article: str


class QuizAttempt(BaseModel):
    id: str
    topic: str
    expires_at: float
    attempts_left: int
    questions: list[QuizQuestion]


class QuizResult(BaseModel):
    """Only the score goes back, and which articles to re-read; not which answers were right."""

    topic: str
    correct: int
    total: int
    passed: bool
    pass_mark: float
    tier: str | None
    routable: bool
    review_articles: list[str]


class CapacityOut(BaseModel):
    capacity: int


class PayTotals(BaseModel):
    """Pay summed over a period; amounts are decimal strings in the company's currency."""

    conversations: int
    base: str
    per_minute: str
    surge_bonus: str
    adjustment: str
    total: str


class EarningsRow(PayTotals):
    """One paid conversation (its stint with the agent) or one adjustment."""

    conversation_id: str | None
    kind: str  # conversation or adjustment
    outcome: str | None
    seconds: int | None
    note: str | None
    assigned_at: float | None
    at: float


class EarningsSummary(BaseModel):
    """Today and this week in the agent's time zone, all time, and the latest rows."""

    agent_id: str
    timezone: str
    now: float
    currency: str
    today: PayTotals
    week: PayTotals
    all_time: PayTotals
    conversations: list[EarningsRow]


class AdjustmentOut(BaseModel):
    id: int
    kind: str
    amount: str
    at: float
