"""After the loop: CSAT, pay and AI cost per conversation, vectorised."""

from __future__ import annotations

import numpy as np

from tandem.engines.sim.scenario import Csat, Pay

AI_FAILURE_REASONS = frozenset({"low_confidence", "policy", "ai_error"})


def csat_scores(c: Csat, ai_resolved: np.ndarray, ai_failed: np.ndarray, served: np.ndarray,
                abandoned_or_lost: np.ndarray, wait: np.ndarray, quality: np.ndarray,
                rng: np.random.Generator) -> np.ndarray:
    """CSAT 1..5: AI-resolved, or human-served falling with wait and after an AI failure, or left unserved."""
    human = c.base - c.per_wait_minute * np.nan_to_num(wait) - c.ai_failure * ai_failed
    human = human + 2.0 * (quality - 0.8)
    score = np.where(ai_resolved, c.ai_resolved, np.where(served, human, c.abandoned))
    score = np.where(abandoned_or_lost, c.abandoned, score)
    return np.clip(score + rng.normal(0.0, c.noise, score.size), 1.0, 5.0)


def gig_pay(pay: Pay, served: np.ndarray, handle: np.ndarray, bonus: np.ndarray) -> np.ndarray:
    """Per-conversation pay for gig agents: a base, per handled minute, and the surge bonus fixed at offer."""
    return np.where(served, pay.per_conversation + pay.per_minute * handle + bonus, 0.0)
