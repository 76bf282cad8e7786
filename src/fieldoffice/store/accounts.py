"""Editors' accounts: users with a role, argon2id password hashes, API tokens and browser
sessions kept only as SHA-256 hashes, and login throttling (5 failures for one account from one
network, an IPv4 address or an IPv6 /64, lock that pair for 15 minutes; the lockout and its end
are audited)."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session as DbSession

from fieldoffice.core.errors import Conflict, InvalidInput, NotFound, TooManyAttempts, Unauthorized
from fieldoffice.store import audit
from fieldoffice.store.database import Database, now, utc
from fieldoffice.store.tables import LoginThrottle, Meta, Session, Token, User

ROLES = ("editor", "publisher", "admin")  # each may do what the one before it may, and more
MAX_FAILURES = 5
LOCKOUT = dt.timedelta(minutes=15)
SESSION_TTL = dt.timedelta(hours=12)
MIN_PASSWORD = 12
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
_hasher = PasswordHasher()  # argon2id, the library's (RFC 9106) default parameters
_NOBODY = _hasher.hash("no such user: the same work as a real check")


@dataclass(frozen=True)
class Account:
    id: int
    name: str
    role: str

    def may(self, role: str) -> bool:
        """True when this account's role is `role` or above it."""
        return ROLES.index(self.role) >= ROLES.index(role)


def _account(u: User) -> Account:
    return Account(u.id, u.name, u.role)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def check_role(role: str) -> str:
    if role not in ROLES:
        raise InvalidInput(f"no role {role!r}", hint=f"choose one of {', '.join(ROLES)}")
    return role


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(f"the password is {len(password)} characters; at least {MIN_PASSWORD} are needed",
                           hint="use a passphrase of several words")  # fmt: skip
    if len(password) > 1024:
        raise InvalidInput("the password is over 1,024 characters", hint="use a shorter one")
    return password


def _user(s: DbSession, name: str) -> User:
    # (a name no account can have is not looked up: PostgreSQL refuses a NUL in a query)
    u = s.scalar(select(User).where(User.name == name)) if _NAME.match(name) else None
    if u is None:
        raise NotFound(f"no user {name[:64]!r}", hint="`fieldoffice users list` shows who there is")
    return u


def add_user(db: Database, name: str, role: str, password: str, *, actor: str = "cli",
             address: str = "local") -> Account:  # fmt: skip
    if not _NAME.match(name):
        raise InvalidInput(f"the user name {name!r} is not usable",
                           hint="use 1-64 letters, digits, '.', '_', '@' or '-', starting with a letter or digit")  # fmt: skip
    check_role(role)
    hashed = _hasher.hash(check_password(password))
    try:
        with db.transaction() as s:
            u = User(name=name, role=role, password_hash=hashed, created_at=now())
            s.add(u)
            s.flush()
            audit.record(s, actor=actor, address=address, action="user_added", target=f"user {name}",
                         detail={"role": role})  # fmt: skip
            return _account(u)
    except IntegrityError as exc:
        raise Conflict(f"there is a user {name!r} already", code="user_exists",
                       hint="choose another name, or change that user's role") from exc  # fmt: skip


def users(db: Database) -> list[tuple[Account, int]]:
    """Every user with the number of tokens it holds that are not revoked."""
    with db.transaction() as s:
        out = []
        for u in s.scalars(select(User).order_by(User.name)):
            live = s.scalar(select(func.count()).select_from(Token)
                            .where(Token.user_id == u.id, Token.revoked_at.is_(None)))  # fmt: skip
            out.append((_account(u), int(live or 0)))
        return out


def set_role(db: Database, name: str, role: str, *, actor: str = "cli", address: str = "local") -> Account:  # fmt: skip
    check_role(role)
    with db.transaction() as s:
        u = _user(s, name)
        old, u.role = u.role, role
        audit.record(s, actor=actor, address=address, action="role_changed", target=f"user {name}",
                     detail={"role": {"old": old, "new": role}})  # fmt: skip
        return _account(u)


def set_password(db: Database, name: str, password: str, *, actor: str = "cli", address: str = "local") -> None:  # fmt: skip
    hashed = _hasher.hash(check_password(password))
    with db.transaction() as s:
        u = _user(s, name)
        u.password_hash = hashed
        s.query(Session).filter(Session.user_id == u.id).delete()  # signed out everywhere
        audit.record(s, actor=actor, address=address, action="password_changed", target=f"user {name}")  # fmt: skip


def new_token(db: Database, name: str, *, actor: str = "cli", address: str = "local") -> str:
    """A new API token for `name`: shown now, once; the store keeps only its hash."""
    token = "fo_" + secrets.token_urlsafe(32)
    with db.transaction() as s:
        u = _user(s, name)
        t = Token(user_id=u.id, token_hash=_digest(token), created_at=now())
        s.add(t)
        s.flush()
        audit.record(s, actor=actor, address=address, action="token_created", target=f"user {name}",
                     detail={"token_id": t.id})  # fmt: skip
    return token


def revoke(db: Database, name: str, token: str | None = None, *, actor: str = "cli",
           address: str = "local") -> int:  # fmt: skip
    """Revoke `token` (one of `name`'s), or every token `name` holds; how many were revoked."""
    with db.transaction() as s:
        u = _user(s, name)
        q = select(Token).where(Token.user_id == u.id, Token.revoked_at.is_(None))
        if token is not None:
            q = q.where(Token.token_hash == _digest(token))
        revoked = list(s.scalars(q))
        if token is not None and not revoked:
            raise NotFound(f"that token is not a live token of {name!r}",
                           hint="leave the token out to revoke all of the user's tokens")  # fmt: skip
        for t in revoked:
            t.revoked_at = now()
            audit.record(s, actor=actor, address=address, action="token_revoked", target=f"user {name}",
                         detail={"token_id": t.id})  # fmt: skip
        return len(revoked)


def account_for_token(db: Database, token: str) -> Account:
    if not token.startswith("fo_") or len(token) > 100:
        raise Unauthorized("the token is not valid", hint="send 'Authorization: Bearer <token>' with a token from `fieldoffice users token NAME`")  # fmt: skip
    with db.transaction() as s:
        row = s.execute(select(User).join(Token, Token.user_id == User.id)
                        .where(Token.token_hash == _digest(token), Token.revoked_at.is_(None))).scalar()  # fmt: skip
        if row is None:
            raise Unauthorized("the token is not valid or was revoked",
                               hint="ask an admin for a new one (`fieldoffice users token NAME`)")  # fmt: skip
        return _account(row)


# -- signing in -------------------------------------------------------------------------------
def login(db: Database, name: str, password: str, address: str) -> Account:
    """The account, if the password is right and the (account, network) pair is not locked out.
    The network is the address for IPv4 and its /64 for IPv6. Each attempt is counted before
    the password is checked, under a row lock in the store (every process shares it), so racing
    attempts check at most 5 passwords; the 5th failure within 15 minutes locks the pair for 15
    minutes. Every attempt is audited; a name that is no account is stored as a keyed hash (a
    password typed into the name field never reaches the audit)."""
    t = now()
    with db.transaction() as s:
        u = s.scalar(select(User).where(User.name == name)) if _NAME.match(name) else None
        hashed = u.password_hash if u is not None else _NOBODY
    who = name if u is not None else unknown_name(db, name)
    key = f"{who}|{network_of(address)}"
    attempt, locked = _reserve(db, key, who, address, t)
    if locked is not None:
        wait = max(1, int((locked - t).total_seconds()))
        raise TooManyAttempts(f"too many failed sign-ins for {name[:64]!r} from this address; try again in {(wait + 59) // 60} minutes",
                              retry_after=wait)  # fmt: skip
    ok = _verified(hashed, password) and u is not None
    with db.transaction() as s:
        row = s.get(LoginThrottle, key)
        if ok and u is not None:
            if _hasher.check_needs_rehash(hashed):
                s.execute(update(User).where(User.id == u.id).values(password_hash=_hasher.hash(password)))  # fmt: skip
            if row is not None:  # the pair starts afresh: failures before a success do not count
                row.failures, row.window_start, row.locked_until = 0, None, None
            audit.record(s, actor=name, address=address, action="login", target=f"user {name}")
            return _account(u)
        audit.record(s, actor=who, address=address, action="login_failed", target=f"user {who}",
                     detail={"known_user": u is not None})  # fmt: skip
        if attempt >= MAX_FAILURES and row is not None and row.locked_until is not None:
            until = utc(row.locked_until)
            audit.record(s, actor=who, address=address, action="lockout", target=f"user {who}",
                         detail={"until": until.isoformat(timespec="seconds"), "failures": MAX_FAILURES})  # fmt: skip
    raise Unauthorized("the user name or password is wrong")


def network_of(address: str) -> str:
    """Whom a lockout holds: an IPv4 address, an IPv6 address's /64 (one host holds a whole
    /64), or the text as given (a test client, a Unix socket)."""
    import ipaddress

    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return address[:64]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


def unknown_name(db: Database, name: str) -> str:
    """How the store names a sign-in name that is no account: 'unknown:' and a keyed hash (the
    same for the same name, unreadable without the store's key, made once and kept in meta)."""
    import hmac

    with db.transaction() as s:
        key = s.get(Meta, "login_name_key")
    if key is None:
        with db.transaction() as s:  # (written first: SQLite waits for its write lock)
            s.execute(_insert_ignore(s, Meta, {"key": "login_name_key", "value": secrets.token_urlsafe(32)}))  # fmt: skip
            key = s.get(Meta, "login_name_key")
    secret = key.value if key is not None else ""
    digest = hmac.new(secret.encode(), name.encode("utf-8", "surrogatepass"), hashlib.sha256)
    return "unknown:" + digest.hexdigest()[:16]


def _insert_ignore(s: DbSession, table: Any, values: dict[str, Any]) -> Any:
    if s.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(table).values(**values).on_conflict_do_nothing()
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(table).values(**values).on_conflict_do_nothing()


def _reserve(db: Database, key: str, who: str, address: str,
             t: dt.datetime) -> tuple[int, dt.datetime | None]:  # fmt: skip
    """Count an attempt for the pair before its password is checked: (which attempt in the
    window it is, None), or (0, when the lockout ends) if the pair is locked. The row is written
    first (SQLite: the write lock; PostgreSQL: the row's lock, FOR UPDATE), so racing attempts
    are counted one after another."""
    with db.transaction() as s:
        s.execute(_insert_ignore(s, LoginThrottle, {"key": key, "failures": 0}))
        row = s.scalar(select(LoginThrottle).where(LoginThrottle.key == key).with_for_update())
        assert row is not None
        if row.locked_until is not None:
            until = utc(row.locked_until)
            if until > t:
                return 0, until
            row.locked_until, row.failures, row.window_start = None, 0, None
            audit.record(s, actor="system", address=address, action="lockout_ended", target=f"user {who}",
                         detail={"until": until.isoformat(timespec="seconds")})  # fmt: skip
        if row.window_start is None or utc(row.window_start) <= t - LOCKOUT:
            row.failures, row.window_start = 0, t
        row.failures += 1
        if row.failures >= MAX_FAILURES:  # held while this attempt is checked; cleared if right
            row.locked_until = t + LOCKOUT
        return row.failures, None


def _verified(hashed: str, password: str) -> bool:
    try:
        return _hasher.verify(hashed, password)
    except (VerificationError, InvalidHashError):
        return False


def open_session(db: Database, account: Account) -> str:
    """A new browser session: the cookie's value (the store keeps its hash)."""
    cookie = secrets.token_urlsafe(32)
    with db.transaction() as s:
        s.add(Session(id=_digest(cookie), user_id=account.id, created_at=now(),
                      expires_at=now() + SESSION_TTL))  # fmt: skip
    return cookie


def session_account(db: Database, cookie: str) -> Account | None:
    if not cookie or len(cookie) > 100:
        return None
    with db.transaction() as s:
        row = s.execute(select(Session, User).join(User, User.id == Session.user_id)
                        .where(Session.id == _digest(cookie))).first()  # fmt: skip
        if row is None or utc(row[0].expires_at) <= now():
            return None
        return _account(row[1])


def close_session(db: Database, cookie: str, address: str) -> None:
    with db.transaction() as s:
        row = s.get(Session, _digest(cookie))
        if row is not None:
            u = s.get(User, row.user_id)
            s.delete(row)
            if u is not None:
                audit.record(
                    s, actor=u.name, address=address, action="logout", target=f"user {u.name}"
                )
