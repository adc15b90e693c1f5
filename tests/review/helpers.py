"""The review tests' seeding helpers live in tests/factories.py (importable from every test folder)."""

from factories import PASSWORD, add_user, seed_looks

__all__ = ["PASSWORD", "add_user", "seed_looks"]
