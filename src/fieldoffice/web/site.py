"""What the web layer serves from: the core's context plus what is worth computing once."""

from __future__ import annotations

import atexit
import gc
import hashlib
import json
import threading
from functools import cached_property
from typing import Any

from fieldoffice import __version__
from fieldoffice.directory.context import Context
from fieldoffice.editing.export import geojson_by_office, geometry_json, office_territory
from fieldoffice.lookup.locate import locator_of
from fieldoffice.lookup.offices import office_properties
from fieldoffice.verify import Verifier
from fieldoffice.web.svgmap import MapData

_warming: list[threading.Thread] = []


@atexit.register
def _finish_warming() -> None:
    # a daemon thread still inside numpy or GEOS when the interpreter finalizes can crash the
    # process (SIGSEGV at exit): let warming end first (it takes seconds, and only at start)
    for t in _warming:
        t.join(timeout=30)


class Site:
    def __init__(self, ctx: Context, version: int | None = None) -> None:
        self.ctx = ctx
        self.version = version  # the store's version id (None: a directory file)
        self.locator = locator_of(ctx)
        self.verifier = Verifier(ctx.directory)
        self._lock = threading.Lock()

    def warm_up(self) -> None:
        """Load the point indexes before the first request; load the name index and draw the map
        beside it: the server answers at once, and a request that needs either before it is ready
        waits for it (both are made once, by whichever thread asks first)."""
        self.locator.locate_point(lat=39.53, lon=-119.81)
        t = threading.Thread(target=self._warm_in_background, name="fieldoffice-warm", daemon=True)
        _warming.append(t)
        t.start()

    def _warm_in_background(self) -> None:
        self.locator.warm()  # every kind of question once: the first visitor pays nothing
        _ = self.map_data
        # what start-up built lives as long as the process: keep the collector's full passes
        # from walking it again and again (each one a pause for every request in flight)
        gc.freeze()

    @cached_property
    def etag(self) -> str:
        """One tag for every response: what a URL returns changes only with the data and code."""
        d = self.ctx.directory
        basis = json.dumps(
            # (the store's version id too: a rollback republishes an old file, not an old site)
            [__version__, self.version, d.path, d.effective_date.isoformat(), d.data_version,
             self.ctx.gazetteer.counties_version, self.ctx.gazetteer.zips_version, self.ctx.regions_version],
            sort_keys=True, default=str,
        )  # fmt: skip
        return 'W/"' + hashlib.sha256(basis.encode()).hexdigest()[:20] + '"'

    @property
    def map_data(self) -> MapData:
        return self.ctx.memo("web-map-data", lambda: MapData(self.ctx))  # made once, by one thread

    @cached_property
    def territories_geojson(self) -> dict[str, Any]:
        with self._lock:
            return geojson_by_office(self.ctx)

    def office_feature(self, office_id: str) -> dict[str, Any]:
        return {
            "type": "Feature",
            "id": office_id,
            "properties": office_properties(self.ctx, office_id),
            "geometry": geometry_json(office_territory(self.ctx, office_id)),
        }

    @cached_property
    def coverage(self) -> dict[str, Any]:
        from fieldoffice.editing.lint import lint_directory

        t = self.ctx.territories
        findings = lint_directory(self.ctx.directory, self.ctx.gazetteer, self.ctx.regions)
        return {
            "counties": len(t.all_counties),
            "covered": len(t.by_county),
            "uncovered": len(t.uncovered),
            "overlapping": len(t.overlaps),
            "findings": [
                {"kind": f.kind, "severity": f.severity, "message": f.message, "count": f.count,
                 "details": {k: v for k, v in f.details.items() if k != "counties"}}
                for f in findings
            ],
        }  # fmt: skip
