"""Thin Qt table models over the services' frozen dataclasses."""
