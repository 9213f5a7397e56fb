"""Privacy tooling: access-log search, AVG access-request export, anonymisation after the
retention term."""
