"""The shipped multilingual encoder loads offline and puts translations of one request near each other."""

from __future__ import annotations

import numpy as np

from tandem.engines.assistant.nlu.multilingual import DIMENSIONS, MultilingualEmbedder, shared_multilingual


def test_unit_vectors_of_the_right_shape() -> None:
    vectors = shared_multilingual().queries(["I want to talk to a person", "", "x" * 50_000])
    assert vectors.shape == (3, DIMENSIONS)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)
    assert MultilingualEmbedder().passages([]).shape == (0, DIMENSIONS)


def test_a_request_is_nearer_its_translation_than_an_unrelated_question() -> None:
    enc = shared_multilingual()
    english, swedish, unrelated = enc.queries(
        ["I want to talk to a human", "jag vill prata med en människa", "when is my next payment due"])
    assert float(english @ swedish) > float(english @ unrelated)


def test_a_repeated_single_query_is_served_from_the_recent_cache_unchanged() -> None:
    enc = MultilingualEmbedder()
    first = enc.queries(["när ska jag betala nästa gång?"])
    calls = []
    model = enc._load()
    original = model.encode
    model.encode = lambda *a, **k: calls.append(a) or original(*a, **k)  # count encoder passes
    again = enc.queries(["när ska jag betala nästa gång?"])
    again[0, 0] = 99.0  # a caller changing its copy must not change the cache
    assert calls == [] and np.allclose(enc.queries(["när ska jag betala nästa gång?"]), first)
    enc.passages(["när ska jag betala nästa gång?"])  # passages are never cached
    assert len(calls) == 1
