"""suratkerja: naskah dinas for cross-unit work of pejabat fungsional and pelaksana.

:func:`create_app` builds the Flask application: settings, registry,
file store, numbering, the LibreOffice converters, the API and the pages.
"""

from __future__ import annotations

import atexit
import logging
from dataclasses import replace
from typing import Any, Mapping

from flask import Flask
from sqlalchemy import create_engine, event
from sqlalchemy.orm import sessionmaker

from .plumbing.config import Settings, load_settings
from .plumbing import timing
from .plumbing.errors import register_error_handlers
from .chain import PROFILE_RULE_KEYS
from .plumbing import schema
from .access.tenants import register_pemda
from .directory import models as _directory_tables  # noqa: F401  (its tables join the registry's schema)
from .accounts import models as _account_tables  # noqa: F401  (staff accounts join the registry's schema)
from .idempotency import models as _idempotency_tables  # noqa: F401
from .webhooks import models as _webhook_tables  # noqa: F401
from .issuing.numbering import Sequencer
from .plumbing.services import Services
from .wilayah import load_profiles
from .signatures.setup import build_signing
from .plumbing.storage import FileStore

logger = logging.getLogger(__name__)


def make_engine(settings: Settings):
    """The registry's engine: SQLite in WAL mode with a patient busy timeout, or a PostgreSQL pool."""
    if settings.db_url.startswith("sqlite"):
        settings.instance_dir.mkdir(parents=True, exist_ok=True)
        engine = create_engine(settings.db_url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        return engine
    return create_engine(settings.db_url, pool_pre_ping=True, pool_size=10, max_overflow=10)


def _converter(settings: Settings):
    from .issuing.convert import ConverterPool

    pool = ConverterPool(
        size=settings.converter_count or None,
        timeout=settings.converter_timeout,
        recycle_after=settings.converter_recycle_after,
        soffice=settings.soffice,
        workdir=settings.instance_dir / "konversi",
    )
    pool.start()
    atexit.register(pool.stop)
    return pool


def registry_services(settings: Settings, profiles: Mapping[str, Any]) -> Services:
    """The registry, migrated to the newest schema, with its files and numbering: no converter, no signing.

    What the command line's key and audit commands need; :func:`build_services` adds the rest.
    """
    engine = make_engine(settings)
    schema.upgrade(engine, settings.lock_dir)
    sessions = sessionmaker(engine, expire_on_commit=False)
    register_pemda(sessions, profiles)
    return Services(settings=settings, profiles=profiles, sessions=sessions, store=FileStore(settings.files_dir),
                    sequencer=Sequencer(engine, settings.lock_dir), converter=None)


def build_services(settings: Settings, converter: Any = None) -> Services:
    """What the use cases need, from checked settings: profiles, signing, registry, files, numbering, converter.

    :param converter: an already started converter (tests share one); by
        default a LibreOffice pool is started.
    :raises ConfigError: with ``production = true``, the development PKI or
        no ``tsa_url``; a signer back end that cannot be opened.
    :raises ProfileError: a region profile that cannot be used.
    """
    # checked before anything is started or created: a refusal leaves nothing behind
    profiles = load_profiles(PROFILE_RULE_KEYS)
    signing_setup = build_signing(settings, regions=set(profiles))
    services = registry_services(settings, profiles)
    return replace(services, converter=converter or _converter(settings), signing=signing_setup)



def create_app(test_config: Mapping[str, Any] | None = None, *, converter: Any = None) -> Flask:
    """Build the application: the services (:func:`build_services`), the API, the pages and staff sign-in.

    :param test_config: settings overriding the defaults and the config file.
    :param converter: see :func:`build_services`.
    :raises ConfigError: mistyped settings, or see :func:`build_services`.
    :raises ProfileError: a region profile that cannot be used.
    """
    settings = load_settings(test_config)
    services = build_services(settings, converter)
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_request_bytes
    app.json.ensure_ascii = False
    app.extensions["suratkerja"] = services

    from .access import request as access_request
    from .api import init_api
    from .idempotency import http as idempotency
    from .web import blp as web_blp, init_staff

    init_api(app)
    access_request.init_app(app)
    idempotency.init_app(app)
    app.register_blueprint(web_blp)
    init_staff(app, settings)
    register_error_handlers(app)  # after flask-smorest's, so ours answer every error
    timing.init_app(app)
    return app
