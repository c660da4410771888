"""Data files shipped with Tandem (training data and tokenizer), each with its license and source."""
