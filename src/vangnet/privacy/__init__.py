"""Privacy tooling: access-log search, AVG access-request export, anonymisation by retention term."""
