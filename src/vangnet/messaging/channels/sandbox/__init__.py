"""Local stand-ins for paid remote providers (tests, benchmarks and the demo)."""
