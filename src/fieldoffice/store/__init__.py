"""The editors' store: the directory's drafts and published versions, accounts, API tokens,
sessions and the audit log, in one database (SQLite by default, PostgreSQL for production).

Modules, each owning one concept: `tables` (the schema, migrated by Alembic at open), `database`
(opening, migrating, seeding), `audit` (the append-only log), `accounts` (users, passwords,
tokens, sessions, login throttling), `drafts` (the draft and its edits, with their revisions)
and `versions` (publish, roll back, the version in force, what changed).
"""
