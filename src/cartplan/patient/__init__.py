"""patient."""
