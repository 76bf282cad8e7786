"""The editors' store: the directory's drafts and published versions, accounts, API tokens,
sessions and the audit log, in one database (SQLite by default, PostgreSQL for production).

Modules, each owning one concept: `tables` (the schema), `database` (the URL, the engine,
sessions, the Alembic migrations), `opening` (opening: migrated, and seeded from a directory file
the first time), `audit` (the append-only log), `accounts` (users, passwords, tokens, sessions,
login throttling), `drafts` (the draft and its edits, with their revisions), `versions` (publish,
roll back, the version in force, what changed), `summary` (what changed, in words) and
`published` (the version in force as a context to answer from, for the command line and the web).
"""
