"""What sync tools and operating systems leave behind in a share: never processed.

Pure functions over names, so the daemon, ``ingest`` and the tests agree on
what is a real document. Conflict copies are recognised separately: they are
not documents either, but support staff must be told about them.
"""

from __future__ import annotations

import re
from pathlib import PurePath

# Whole names written by systems and sync clients.
SYSTEM_NAMES = frozenset(
    n.casefold()
    for n in ("Thumbs.db", "desktop.ini", "Icon\r", ".DS_Store", "ehthumbs.db", "$RECYCLE.BIN")
)

# Temporary and partial names: office lock files, partial downloads, sync clients' temp files.
TEMPORARY = re.compile(
    r"""^(~\$.*                      # Microsoft Office owner file
        |\.~lock\..*\#               # LibreOffice lock file
        |~.*\.tmp                    # Office temporary
        |\.syncthing\..*\.tmp        # Syncthing temporary
        |.*\.(part|partial|crdownload|download|tmp|temp|swp|!sync|filepart|nextcloud-part)
        |\.sync_.*|\.owncloudsync\.log.*|\._.*
        )$""",
    re.IGNORECASE | re.VERBOSE,
)

# Conflict copies: Syncthing, Nextcloud/ownCloud, Dropbox, OneDrive, Google Drive.
CONFLICT = re.compile(
    r"""(\.sync-conflict-\d{8}-\d{6}    # Syncthing
        |\(conflicted\ copy             # Dropbox
        |\ \(conflict(ed)?\ copy\ \d    # Nextcloud desktop
        |_conflict-\d{8}-\d{6}          # Nextcloud / ownCloud
        |-[^-]+-conflict(-\d+)?\.      # OneDrive (name-PC-conflict.ext)
        |\(copie\ en\ conflit           # French clients
        )""",
    re.IGNORECASE | re.VERBOSE,
)

#: Folders the system itself writes into an entrepreneur's folder (never read back).
SYSTEM_FOLDERS = frozenset({"_dossiers"})


def is_ignored(path: PurePath) -> bool:
    """Whether a path under the share is a leftover to leave alone (not a document)."""
    if any(part.startswith(".") or part in SYSTEM_FOLDERS for part in path.parts[:-1]):
        return True
    name = path.name
    return name.startswith(".") or name.casefold() in SYSTEM_NAMES or bool(TEMPORARY.match(name))


def is_conflict_copy(path: PurePath) -> bool:
    """Whether a name is a sync client's conflict copy (report it, never take it as new)."""
    return bool(CONFLICT.search(path.name))
