"""Helpers shared by the test suites and the benchmarks, one module per job.

- halls:    the small test hall (its config data, WITA times) and a database prepared with it
- people:   the hall's staff (USERS, PASSWORD) and their API and device tokens
- servers:  real `antre serve` processes on loopback, a served hall, JSON calls to it
- postgres: a throwaway schema on the test PostgreSQL server
- races:    work released together on real threads
- browser:  Debian's Chromium settings and where screenshots go

These modules never import pytest: `bench` uses servers and postgres outside any test run.
Fixtures stay in the conftest.py files.
"""
