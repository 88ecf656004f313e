"""Logging filter that stamps every record with the current request id."""

import logging

from webnet.core.context import current


class RequestContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current.get().request_id or "-"
        return True
