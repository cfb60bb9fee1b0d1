"""Forms, one module per concern (drafting, signing, reviews)."""
