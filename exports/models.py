"""Models (filled in by later issues)."""
