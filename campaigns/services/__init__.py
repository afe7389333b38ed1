"""Campaign writes."""
