"""What the tests and benches share: tiny configs, polling, strokes, servers, paths."""
