"""Dutch law and social policy as pure, typed functions (no Django).

Every function returns a decision with a stable reason code; see DOMAIN.md.
"""
