"""What a generation publishes beside its store: each writer (build) and reader (serve)."""
