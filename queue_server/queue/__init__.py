"""The queue engine: plain functions over a SQLAlchemy session and the current instant.

Callers own the transaction: they commit after a call succeeds and roll back after a
DomainError. Nothing here imports Flask or Socket.IO or reads the system clock.
"""
