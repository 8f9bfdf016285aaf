"""Persons, groups, documents, contacts, registrations, the lifecycle and events."""
