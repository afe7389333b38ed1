"""Code inventory writes: upload, reserve, assign, release (and the count read)."""
