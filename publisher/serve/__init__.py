"""Answering from a published generation: killable query workers, descriptions."""
