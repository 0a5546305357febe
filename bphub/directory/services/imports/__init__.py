"""The focal-point spreadsheet import: read → validate → match → preview → apply (all-or-nothing).

A member's list arrives as XLSX or CSV. `import_analyse` reads it (a file that is not what it
claims, has no usable header, is empty or too big raises ImportFileError with one message and
nothing is written), validates every row with the shared field rules (`bphub.directory.validation`)
and matches each row against the member's people and against the other rows of the file
(`bphub.directory.services.matching`). Each row gets one outcome:

- new: nobody alike; applying creates the person;
- updated: one person matched and the file adds or changes something (the changes are listed);
- unchanged: one person matched and the file says nothing new (applying confirms the record);
- conflicting: the email is one person's and the name another's, several people are alike, or two
  rows of the file are the same person: the file must be fixed;
- rejected: the row breaks a field rule (each error names the row, the column and the reason).

A blank cell keeps what the directory has, and an import never removes anything: emails, phones
and roles in the file are added to the person's. `import_preview` stores the analysis as an
ImportBatch; `import_apply` applies it in one transaction after analysing the stored rows again
against the directory as it is then, and refuses when anything would come out differently.

One module per step: `reading` (file → table, header → columns), `state` (the member's directory
as loaded), `validating`, `matching` (outcomes), `previewing` (analyse, keep a preview), `writing`
(bulk writes) and `applying` (apply, discard); `template` is the downloadable template. This package
re-exports what callers use, so `from bphub.directory.services.imports import ...` keeps working.
"""

import sys
import types

from bphub.directory.services.imports import (
    applying,
    matching,
    previewing,
    reading,
    state,
    template,
    validating,
    writing,
)
from bphub.directory.services.imports.applying import import_apply, import_discard
from bphub.directory.services.imports.matching import (
    CONFLICTING,
    NEW,
    OUTCOME_LABELS,
    OUTCOMES,
    REJECTED,
    SCALAR_FIELDS,
    UNCHANGED,
    UPDATED,
    _merged,
    classify_rows,
    count_outcomes,
)
from bphub.directory.services.imports.previewing import Analysis, import_analyse, import_preview, report_as_json
from bphub.directory.services.imports.reading import (
    COLUMNS,
    MAX_COLUMNS,
    MAX_FILE_BYTES,
    MAX_ROWS,
    MAX_UNPACKED_BYTES,
    ImportFileError,
    Table,
    _table_from_rows,
    header_field,
    map_columns,
    read_table,
)
from bphub.directory.services.imports.state import DirectoryState, directory_fingerprint, load_directory_state
from bphub.directory.services.imports.template import import_template
from bphub.directory.services.imports.validating import validate_table
from bphub.directory.services.imports.writing import _latest_revisions

__all__ = [
    "COLUMNS",
    "CONFLICTING",
    "MAX_COLUMNS",
    "MAX_FILE_BYTES",
    "MAX_ROWS",
    "MAX_UNPACKED_BYTES",
    "NEW",
    "OUTCOMES",
    "OUTCOME_LABELS",
    "REJECTED",
    "SCALAR_FIELDS",
    "UNCHANGED",
    "UPDATED",
    "Analysis",
    "DirectoryState",
    "ImportFileError",
    "Table",
    "_latest_revisions",
    "_merged",
    "_table_from_rows",
    "classify_rows",
    "count_outcomes",
    "directory_fingerprint",
    "header_field",
    "import_analyse",
    "import_apply",
    "import_discard",
    "import_preview",
    "import_template",
    "load_directory_state",
    "map_columns",
    "read_table",
    "report_as_json",
    "validate_table",
]

_STEPS = (reading, state, validating, matching, previewing, writing, applying, template)


class _Package(types.ModuleType):
    """Setting a name here (a limit, or a step a test replaces with monkeypatch) sets it in every step
    module that holds the same object, so the code that reads it sees the new value, as it did when
    the import was one module."""

    def __setattr__(self, name, value):
        current = self.__dict__.get(name, _MISSING)
        if current is not _MISSING:
            for module in _STEPS:
                if module.__dict__.get(name, _MISSING) is current:
                    setattr(module, name, value)
        super().__setattr__(name, value)


_MISSING = object()
sys.modules[__name__].__class__ = _Package
