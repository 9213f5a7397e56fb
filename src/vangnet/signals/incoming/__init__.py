"""Vroegsignalering, municipality side: intake, matching, meldingen, outreach, monitor."""
