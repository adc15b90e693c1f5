"""Prefect orchestration over `design_ai`: each task is one call into the domain library plus its wiring."""
