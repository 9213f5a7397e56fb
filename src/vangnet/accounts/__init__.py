"""Staff roles, permissions, two-factor authentication and login throttling."""
