"""Dutch law and social policy as pure, typed functions (no Django).

Every function returns a decision with a stable reason code; see DOMAIN.md and
docs/rules.md. Modules: ``decision`` (Decision, allow, block, combine), ``wik``
(collection costs), ``interest`` (statutory interest), ``calendar_nl`` (holidays,
working days), ``fourteen_day_letter``, ``facts`` (case evidence), ``signals``
(vroegsignalering), ``disconnection`` (water, energy, eviction), ``holds``, ``contact``
(quiet hours, caps), ``actions`` and ``guardrails`` (``check_action``, the engine's
entry point).
"""
