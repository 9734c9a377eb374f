"""Test support: local servers and the wording checker."""
