"""Telemetry Mini: a tiny Kedro project for argo-kedro's grouping strategies and partial runs."""

__version__ = "0.1.0"
