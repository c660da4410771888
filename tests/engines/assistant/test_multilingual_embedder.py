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
