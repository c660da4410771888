"""Helpers for integrators: the account-backend contract checks and a reference server speaking the contract."""
