"""Understanding customer messages: language, embeddings, intents, sentiment and frustration cues."""
