"""The table exports written beside the records, one module each.

Every module of this package is an export format: it names its object following
:class:`graders.records.tables.TableExport` ``EXPORT``. :func:`table_exports` finds them by
listing the package's files, so adding a format is adding one file here, nothing else to edit
(``docs/exports.md`` describes the protocol). They are written, and summed up for the person
running, in the order of their module names.
"""

from __future__ import annotations

import importlib
import pkgutil

from graders.records.tables import TableExport


def table_exports() -> list[TableExport]:
    """Every export format of this package, in the order of their module names."""
    names = sorted(module.name for module in pkgutil.iter_modules(__path__))
    return [importlib.import_module(f"{__name__}.{name}").EXPORT for name in names]
