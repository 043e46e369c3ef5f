"""Shipped protocol library (YAML files); loaded through importlib.resources."""
