"""Entry writes."""
