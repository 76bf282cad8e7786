"""The web app's factory: what it serves from, its routers, its error handlers and its middleware,
each defined in its own module (edge.py, errors.py, privacy.py, hotpath.py, cache.py, ...)."""

from __future__ import annotations

import os
import threading
from pathlib import Path

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles
from starlette.middleware.gzip import GZipMiddleware

from fieldoffice import __version__
from fieldoffice.directory.context import DIRECTORY_ENV, load_context, resolve_directory_path
from fieldoffice.store.database import DATABASE_ENV
from fieldoffice.web.admin.api import router as admin_api_router
from fieldoffice.web.admin.csrf import Csrf, csrf_secret
from fieldoffice.web.admin.pages import admin_pages_router
from fieldoffice.web.api import router as api_router
from fieldoffice.web.cache import ResponseCache
from fieldoffice.web.changes import changes_router
from fieldoffice.web.edge import Guard
from fieldoffice.web.errors import error_schema, install_error_handlers
from fieldoffice.web.hotpath import HotPath
from fieldoffice.web.i18n import LANGUAGES
from fieldoffice.web.lanes import Lanes
from fieldoffice.web.live import LiveSite, Pin
from fieldoffice.web.pages import Pages
from fieldoffice.web.privacy import keep_private_out_of_logs
from fieldoffice.web.ratelimit import FairShare, limit_storage
from fieldoffice.web.settings import SETTINGS_ENV, ServeSettings
from fieldoffice.web.site import Site

# answers of 1 KB and more are gzipped (Starlette's own minimum is 500 bytes), at its level, 9
GZIP_MIN, GZIP_LEVEL = 1024, 9
STATIC = Path(__file__).parent / "static"


def create_app(
    directory: str | Path | None = None,
    settings: ServeSettings | None = None,
    *,
    database: str | None = None,
) -> FastAPI:
    """The web app. `settings` are serve's limits; None (embedding, tests) means no rate limit
    and any Host; `fieldoffice serve` always passes them, with its defaults on.

    Without `database` it serves the directory file (or folder of versions) read-only. With a
    database URL it serves the store's published version, follows new publishes, and opens the
    editors' pages and API; an empty store is seeded from `directory` (else the shipped one)."""
    store = None
    if database is not None:
        from fieldoffice.store.opening import open_database

        store = open_database(database, seed_from=resolve_directory_path(directory))
        live = LiveSite.from_store(store)
    else:
        live = LiveSite(Site(load_context(directory)), directory=resolve_directory_path(directory))
    live.site.warm_up()
    app = FastAPI(title="fieldoffice", version=__version__, docs_url=None, redoc_url=None,
                  description="Which field office is responsible for a US place, and how to reach it.")  # fmt: skip
    app.state.live, app.state.store = live, store
    app.openapi = lambda: error_schema(app)  # type: ignore[method-assign]
    pages = Pages(live)
    app.include_router(api_router)
    app.include_router(pages.router)
    if store is not None:
        app.include_router(changes_router(pages))
        app.include_router(admin_api_router)
        app.include_router(admin_pages_router(pages))
        # other processes' publishes are followed while the app runs (its lifespan), not before
        app.router.on_startup.append(live.start_polling)
        app.router.on_shutdown.append(live.stop)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    install_error_handlers(app, pages)
    # innermost first: each add_middleware wraps all the ones before it; Guard is outermost
    app.add_middleware(HotPath, live=live)
    app.add_middleware(GZipMiddleware, minimum_size=GZIP_MIN, compresslevel=GZIP_LEVEL)
    app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "HEAD", "POST"],
                       allow_headers=["*"])  # fmt: skip
    app.add_middleware(ResponseCache, live=live,
                       policy=settings.cache_policy() if settings is not None else None)  # fmt: skip
    app.add_middleware(Pin, live=live)
    if store is not None:
        app.add_middleware(Csrf, secret=csrf_secret(store))
        app.add_middleware(Lanes)  # a sign-in or an upload takes its lane before its body is read
    if settings is not None:
        storage = limit_storage(settings.redis) if settings.rate_limit else None
        app.add_middleware(FairShare, rate=settings.rate_limit, max_pending=settings.max_pending,
                           storage=storage)  # fmt: skip
    app.add_middleware(Guard, live=live, settings=settings)
    # the national map is drawn once per language; draw both before the first visitor asks
    threading.Thread(target=lambda: [pages.national_map(lang) for lang in LANGUAGES],
                     name="fieldoffice-maps", daemon=True).start()  # fmt: skip
    keep_private_out_of_logs()
    return app


def app_from_env() -> FastAPI:
    """Factory for `uvicorn --factory` and worker processes: the directory and the limits come
    from the environment (`fieldoffice serve` sets both)."""
    settings = ServeSettings.from_env() if os.environ.get(SETTINGS_ENV) else None
    return create_app(os.environ.get(DIRECTORY_ENV) or None, settings,
                      database=os.environ.get(DATABASE_ENV) or None)  # fmt: skip
