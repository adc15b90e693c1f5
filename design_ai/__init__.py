"""Seamline's domain library: briefs, drafts, review, patterns, carbon and tech packs.

Nothing here imports Prefect; heavy modules (torch, diffusers, controlnet-aux) are imported only inside the
functions that need them, so the CLI and the review app start fast.
"""

__version__ = "0.1.0"
