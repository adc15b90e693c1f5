"""Designer review: accounts and roles, the review state machine, and the FastAPI review app."""
