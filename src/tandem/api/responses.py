"""What the API answers: the typed success bodies /openapi.json describes (the customer's routes, the agent's, then
the supervisors' and the workbench's).

Each model lists every field the route returns (response_model drops fields a model does not name, so a field
added to a view must be added here too; tests/api/test_response_schemas.py validates real answers against
the published schema)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel

from tandem.domain.conversation import Author, ConversationState


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


# ---- supervisors: operations, quality measures, the guardrail ----

Handler = Literal["ai", "human"]
SurgeLevelName = Literal["NONE", "LOW", "MEDIUM", "HIGH"]


class OpsQueue(BaseModel):
    length: int
    longest_wait_s: float
    median_wait_s: float
    mean_handle_s: float


class OnlineAgent(BaseModel):
    id: str
    name: str
    presence: Literal["available", "away"]
    load: int
    capacity: int
    languages: list[str]


class OpsAgents(BaseModel):
    available: int
    away: int
    online: list[OnlineAgent]


class Csat(BaseModel):
    mean: float | None  # 1-5, null before the first rating
    ratings: int


class OpsSummary(BaseModel):
    """Live figures: conversations by state, the queue, agents online, customer ratings."""

    now: float
    conversations: dict[str, int]  # state -> count, every state present
    queue: OpsQueue
    agents: OpsAgents
    csat: Csat


class MeasureRow(BaseModel):
    """Every measure of docs/metrics.md for one group key; rates are 0-1, null when nothing to divide by."""

    key: int | str | None  # "all"; a bucket start (epoch seconds); a channel, intent, handler or agent id
    conversations: int
    closed: int
    resolved: int
    confirmed_resolutions: int
    confirmed_resolution_rate: float | None
    recontact_rate: float | None
    containment: float | None
    escalated: int
    ratings: int
    csat: float | None
    handoffs: int
    answered: int
    abandoned: int
    abandonment_rate: float | None
    service_level: float | None
    time_to_human_p50_s: float | None
    time_to_human_p90_s: float | None
    handle_time_s: float | None
    handled_minutes: float
    occupancy: float | None
    ai_cost: float
    human_pay: float
    cost_per_resolution: float | None


class Measures(BaseModel):
    now: float
    by: Literal["overall", "time", "day", "hour", "channel", "intent", "handler", "agent"]
    width: int  # bucket width in seconds (grouping by time)
    rows: list[MeasureRow]


class FloorSample(BaseModel):
    """The floor at one moment: queue, agents online vs needed (Erlang-A), occupancy 0-1."""

    queue_length: int
    longest_wait_s: float
    agents_online: int
    agents_available: int
    agents_needed: int | None
    occupancy: float | None
    arrivals_per_min: float


class StoredFloorSample(FloorSample):
    at: float


class CsatPoint(BaseModel):
    key: int  # bucket start, epoch seconds
    csat: float
    ratings: int


class QaPassRate(BaseModel):
    reviews: int
    pass_rate: float  # 0-1
    paid: float


class GuardState(BaseModel):
    """A scope ("*" every intent, an intent, or "topic:<t>") the assistant hands to humans, or an operator hold."""

    intent: str
    guarded: bool
    source: Literal["monitor", "operator"]
    reason: str
    since: float


class PolicyChangeOut(BaseModel):
    at: float
    actor: str  # an agent id, or "monitor"
    action: Literal["guard", "unguard", "override_guard", "override_unguard", "override_cleared", "target_changed"]
    intent: str | None
    reason: str
    detail: dict[str, Any]


class Dashboard(BaseModel):
    """Everything the operations page draws."""

    now: float
    width: int
    floor: FloorSample
    samples: list[StoredFloorSample]
    overall: MeasureRow | None
    series: list[MeasureRow]
    csat_series: dict[Handler, list[CsatPoint]]
    by_handler: list[MeasureRow]
    qa: dict[Handler, QaPassRate]
    guarded: list[GuardState]
    changes: list[PolicyChangeOut]


class Targets(BaseModel):
    targets: dict[str, float]


class TargetsExplained(Targets):
    meaning: dict[str, str]  # target -> what it means


class Guarded(BaseModel):
    guarded: list[GuardState]


class GuardrailOut(Guarded):
    changes: list[PolicyChangeOut]


class MonitorChange(BaseModel):
    intent: str
    action: Literal["guard", "unguard"]
    reason: str


class MonitorRun(BaseModel):
    changes: list[MonitorChange]


class KnowledgeGap(BaseModel):
    """A question the assistant could not answer, grouped with its look-alikes (masked)."""

    question: str
    count: int
    examples: list[str]
    last_at: float


class KnowledgeGaps(BaseModel):
    gaps: list[KnowledgeGap]


# ---- supervisors: surge and staffing ----

class SurgeStateOut(BaseModel):
    """One surge computation: its inputs, required vs online agents, and the level and bonus it set."""

    at: float
    interval_start: float
    interval_minutes: int
    arrivals: float
    arrivals_source: Literal["forecast", "observed"]
    containment: float
    demand: float
    handle_s: float
    required: int
    online: int
    free_slots: int
    level: SurgeLevelName
    bonus: str  # decimal string, the company's currency
    boost: int
    pending: int
    released: int


class SurgeThresholds(BaseModel):
    enter: list[float]
    hysteresis: float


class SurgeStatus(BaseModel):
    now: float
    level: SurgeLevelName  # NONE when the latest state is stale
    bonus: str
    stale: bool
    shortfall: float | None
    state: SurgeStateOut | None
    thresholds: SurgeThresholds


class SurgeHistory(BaseModel):
    now: float
    states: list[SurgeStateOut]


class ForecastInterval(BaseModel):
    start: float
    forecast: float | None
    low: float | None
    high: float | None
    actual: int | None  # null for intervals still ahead


class ForecastToday(BaseModel):
    date: str  # ISO date, UTC
    interval_minutes: int
    has_forecast: bool
    intervals: list[ForecastInterval]


class RosterInterval(BaseModel):
    start: float
    forecast: float
    required: int
    rostered: int
    core: int
    gig_cover: int
    open: bool


class Shift(BaseModel):
    start: float
    end: float
    break_start: float | None
    agents: int


class RosterBase(BaseModel):
    date: str  # ISO date, UTC
    slot_minutes: int
    quantile: float
    hourly_rate: float


class NoRoster(RosterBase):
    """Too little history to plan from."""

    has_roster: Literal[False]
    reason: str


class Roster(RosterBase):
    """Today's least-cost roster, the hybrid core (rostered at a demand quantile) and the gig cover per slot."""

    has_roster: Literal[True]
    containment: float
    intervals: list[RosterInterval]
    shifts: list[Shift]
    core_shifts: list[Shift]
    agent_hours: float
    cost: float
    core_agent_hours: float
    core_cost: float
    solve_seconds: float


# ---- the workbench: handoff card, suggestions, actions, transfer, translation, supervision ----

TierName = Literal["new", "verified", "senior"]


class ArticleRef(BaseModel):
    article_id: str
    title: str


class Tried(BaseModel):
    """What the assistant already did: articles it cited and account actions it ran, each once."""

    articles: list[ArticleRef]
    actions: list[dict[str, Any]]


class SentimentPoint(BaseModel):
    seq: int
    score: float  # VADER polarity, -1 to 1


class SentimentTrend(BaseModel):
    points: list[SentimentPoint]  # one per customer message
    direction: Literal["improving", "steady", "worsening", "unknown"]


class CustomerOrder(BaseModel):
    id: str
    merchant: str
    placed_on: str  # ISO date
    total: str  # decimal string, in the order's currency
    currency: str
    plan: Literal["pay_in_4", "pay_in_30", "financing"]
    status: Literal["active", "paid", "refunded", "cancelled"]
    dispute: Literal["none", "open", "resolved"]
    note: str  # masked, at most 200 characters


class CustomerCard(BaseModel):
    """The customer as an agent sees them: email, phone and card masked; the latest orders."""

    name: str
    email: str
    phone: str
    country: str
    status: Literal["active", "collections", "closed"]
    card: str
    orders: list[CustomerOrder]


class CustomerUnavailable(BaseModel):
    """The account backend failed: the card says so instead of breaking the agent's screen."""

    unavailable: Literal[True]


class TranslationStatus(BaseModel):
    needed: bool  # the customer's language is not one the agent listed
    available: bool  # a translation provider is configured
    note: str | None


class HandoffCard(BaseModel):
    """The top of a chat: summary, what was asked and tried, sentiment, reason, masked account facts."""

    intent: str | None
    topic: str | None
    language: str
    escalation_reason: str | None
    asked: list[str]  # the customer's own sentences
    tried: Tried
    sentiment: SentimentTrend
    note: str | None  # the transferring agent's note
    summary: str
    customer: CustomerCard | CustomerUnavailable | None  # null for an anonymous chat
    tier: TierName | None  # the caller's tier for the conversation's topic
    translation: TranslationStatus


class SuggestionOut(BaseModel):
    """A drafted reply from one help-center article; never sent by itself."""

    id: str
    rank: int
    body: str
    citation: ArticleRef


class Suggestions(BaseModel):
    suggestions: list[SuggestionOut]


class ActionDone(BaseModel):
    action: Literal["pause_payment", "change_due_date", "waive_late_fee", "goodwill_credit"]
    summary: str
    seq: int  # the system message recording it in the conversation
    amount: str | None  # decimal string, when the action moved money


class Transferred(BaseModel):
    state: ConversationState
    language: str
    topic: str | None
    waiting_since: float  # the original wait is kept


class Translation(BaseModel):
    source: str
    target: str
    text: str  # the text as sent to the provider (card numbers masked)
    translation: str


class TakenOver(BaseModel):
    conversation_id: str
    state: ConversationState
    previous_agent: str | None


class LastMessage(BaseModel):
    author: Author
    body: str  # at most 160 characters


class LiveConversation(BaseModel):
    id: str
    state: Literal["waiting_human", "offered", "with_human"]
    language: str
    topic: str | None
    intent: str | None
    agent_name: str | None
    assignee_id: str | None
    customer_name: str | None
    escalation_reason: str | None
    waited_s: float
    last_message: LastMessage | None


class ExpiringAgent(BaseModel):
    """An agent letting offers expire: at least two in the window, and at least half of theirs."""

    agent_id: str
    name: str
    offers: int
    expired: int


class LiveView(BaseModel):
    now: float
    conversations: list[LiveConversation]
    long_waiting: list[LiveConversation]
    expiring_agents: list[ExpiringAgent]


class SuggestionOutcomes(BaseModel):
    shown: int
    used: int
    edited: int
    ignored: int


class SuggestionStats(BaseModel):
    outcomes: SuggestionOutcomes


# ---- an agent's conversation in full; QA reviews; privacy ----

class HandoffContext(BaseModel):
    """Why the conversation came to a person: the queue entry's reason and note, and how a typed request for a
    person was detected (rule or model, with its score)."""

    reason: str | None
    note: str | None
    detected_by: Literal["rule", "model"] | None
    detection_score: float | None


class AgentConversationDetail(AgentConversation):
    """The transcript (from `after`), the handoff context and the masked account card."""

    messages: list[MessageOut]
    handoff: HandoffContext
    customer: CustomerCard | CustomerUnavailable | None


class ReviewOfferPay(BaseModel):
    per_review: str  # decimal string, the company's currency


class ReviewOfferOut(BaseModel):
    """A review offer card: who handled the conversation and its intent, no transcript before accepting."""

    id: str
    kind: Literal["review"]
    task_id: str
    handled_by: Handler
    intent: str | None
    created_at: float
    expires_at: float
    state: Literal["pending", "accepted", "declined", "expired", "rescinded"]
    pay: ReviewOfferPay


class ReviewOffers(BaseModel):
    offers: list[ReviewOfferOut]


class ReviewMessage(BaseModel):
    seq: int
    author: Author
    body: str  # emails and long numbers masked
    citations: list[ArticleRef]


class ReviewTaskOut(BaseModel):
    """What a reviewer sees: the masked transcript, no customer identity, the rubric to fill in."""

    id: str
    handled_by: Handler
    intent: str | None
    due_at: float | None
    pay: str  # decimal string, the company's currency
    rubric: list[str]
    messages: list[ReviewMessage]


class ReviewTaskHeld(BaseModel):
    task: ReviewTaskOut


class CurrentReview(BaseModel):
    task: ReviewTaskOut | None  # null when the caller holds no review


class ExportedConversation(ConversationOut):
    summary: str | None
    rating_comment: str | None
    messages: list[MessageOut]


class CustomerExport(BaseModel):
    """Everything Tandem holds about one customer."""

    customer_ref: str
    conversations: list[ExportedConversation]


class ConversationsErased(BaseModel):
    erased_conversations: int


class CustomerErased(ConversationsErased):
    backend_log_rows: int | None  # rows of the account backend's own log scrubbed; null if it cannot


# ---- operations: readiness, exports that are not JSON ----

class Readiness(BaseModel):
    """Whether this replica can serve, and each check: "ok" or what failed (never a URL or a credential)."""

    ready: bool
    database: str
    bus: str


READINESS_RESPONSES: dict[int | str, dict[str, Any]] = {
    503: {"model": Readiness, "description": "Not ready (with Retry-After): the body names the failed check"}}

PAYOUT_COLUMNS = ("agent_id", "agent", "email", "conversations", "base", "per_minute", "surge_bonus", "adjustment",
                  "total")
# a CSV body has no JSON Schema: /openapi.json gives its media type, and its columns in the description
PAYOUTS_CSV_RESPONSES: dict[int | str, dict[str, Any]] = {200: {
    "description": "One row per agent paid in the period, after a header row: " + ", ".join(PAYOUT_COLUMNS)
                   + " (amounts are decimal strings in the company's currency)",
    "content": {"text/csv": {"schema": {"type": "string"},
                             "example": ",".join(PAYOUT_COLUMNS) + "\nag_1,Ana,ana@agents.example,3,6.00,4.50,"
                                        "0.00,0.00,10.50\n"}}}}
