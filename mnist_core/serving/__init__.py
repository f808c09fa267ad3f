"""Serving many users from one process: the training queue, memory, shared links."""
