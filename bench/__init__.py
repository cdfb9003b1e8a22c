"""`make bench` (`python -m bench.run`): figures for people, never assertions."""
