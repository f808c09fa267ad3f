"""The networks: architectures, what is inside them, and their files on disk."""
