"""Adapters to systems outside Tandem that engines reach only through a Protocol (the account backend has
its own package, `tandem.backend`)."""
