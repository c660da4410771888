"""The OpenAI-compatible chat-completions API as an `LLMProvider` (OpenAI, vLLM, llama.cpp server, Ollama, ...)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import httpx

from tandem.engines.assistant.llm import Completion, LLMError, parse_completion


class OpenAICompatibleProvider:
    """Chat completions with tool calls over HTTP (OpenAI, vLLM, llama.cpp server, Ollama, ...)."""

    def __init__(self, base_url: str, model: str, api_key: str | None = None, timeout_s: float = 8.0,
                 client: httpx.Client | None = None) -> None:
        self.url = base_url.rstrip("/") + "/chat/completions"
        self.model = model
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._client = client or httpx.Client(timeout=httpx.Timeout(timeout_s), headers=headers)

    def complete(self, messages: Sequence[dict[str, Any]], tools: Sequence[dict[str, Any]]) -> Completion:
        """Ask the model for its next turn; raise LLMError on any failure."""
        body = {"model": self.model, "messages": list(messages), "tools": list(tools), "temperature": 0}
        try:
            response = self._client.post(self.url, json=body)
        except httpx.HTTPError as err:  # timeouts included
            raise LLMError(f"{type(err).__name__}") from err
        if response.status_code != 200:
            raise LLMError(f"HTTP {response.status_code}")
        try:
            return parse_completion(response.json())
        except (ValueError, KeyError, IndexError, TypeError, AttributeError) as err:
            raise LLMError(f"malformed response: {type(err).__name__}") from err

    def close(self) -> None:
        self._client.close()
