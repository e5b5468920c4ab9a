"""The server's log: what a playback makes Streamlit say that tells an operator nothing."""

from __future__ import annotations

import logging

#: Streamlit's logger that reports a fragment rerun asked for after a full rerun removed
#: the fragment: every setting changed during a playback does that, by design.
APP_SESSION_LOGGER = "streamlit.runtime.app_session"


class GoneFragmentFilter(logging.Filter):
    """Drops Streamlit's "The fragment with id ... does not exist anymore" notices."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "does not exist anymore" not in record.getMessage()


def quiet_gone_fragments(logger_name: str = APP_SESSION_LOGGER) -> None:
    """Install ``GoneFragmentFilter`` on ``logger_name`` once (calling again does nothing)."""
    logger = logging.getLogger(logger_name)
    if not any(isinstance(f, GoneFragmentFilter) for f in logger.filters):
        logger.addFilter(GoneFragmentFilter())
