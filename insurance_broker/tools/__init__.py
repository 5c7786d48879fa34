"""Helpers the suite's addons share: plain functions over records, no models."""
