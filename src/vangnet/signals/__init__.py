"""Vroegsignalering: outgoing signals (creditor) and incoming signals (municipality).

The pure core (no Django): the DDAS vocabulary and export, person matching, the
meervoudig/opeenvolgend/herhaald flags and the monitor figures. Models, API and pages
build on these functions.
"""
