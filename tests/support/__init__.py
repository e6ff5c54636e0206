"""Helpers shared by the test suite (peers, free ports, waiting with deadlines)."""
