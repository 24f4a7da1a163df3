"""Spaceflights Mini: a tiny Kedro project for argo-kedro."""

__version__ = "0.1.0"
