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
        |.*\.(part|partial|crdownload|opdownload|download|tmp|temp|swp|!sync|filepart|nextcloud-part)
        |\.sync_.*|\.owncloudsync\.log.*|\._.*
        )$""",
    re.IGNORECASE | re.VERBOSE,
)

# Conflict copies: Syncthing, Nextcloud/ownCloud, Dropbox, OneDrive, Seafile, Synology, Resilio.
# Only marks no person would type: OneDrive's bare "name-PCNAME.ext" is left out on purpose,
# it cannot be told from "devis-DUPONT.pdf".
CONFLICT = re.compile(
    r"""(\.sync-conflict-\d{8}-\d{6}    # Syncthing
        |\([^()]*conflicted\ copy       # Dropbox ("(Marie's conflicted copy …)"), Nextcloud
        |\ \(conflict(ed)?\ copy\ \d    # Nextcloud desktop
        |_conflict-\d{8}-\d{6}          # Nextcloud / ownCloud
        |-[^-]+-conflict(-\d+)?\.      # OneDrive (name-PC-conflict.ext)
        |-safeBackup-\d{4}             # OneDrive client for Linux (abraunegg)
        |\(SFConflict\                  # Seafile
        |_[A-Z][a-z]{2}-\d{2}-\d{4}-\d{4}_\w*Conflict   # Synology Drive
        |\.conflict\d*(\.|$)             # Resilio Sync
        |\([^()]*copie\ en\ conflit     # French clients
        )""",
    re.IGNORECASE | re.VERBOSE,
)

#: Folders the system itself writes into an entrepreneur's folder (never read back).
SYSTEM_FOLDERS = frozenset({"_dossiers"})

# Folders that operating systems and NAS write into a share (trash, thumbnails, snapshots).
OS_FOLDERS = frozenset(
    n.casefold()
    for n in (
        "$RECYCLE.BIN", "System Volume Information", "lost+found", "__MACOSX",
        "@eaDir", "#recycle", "#snapshot", "@Recycle", "@Recently-Snapshot",
    )
)  # fmt: skip

# A Safari download in progress is a folder "name.pdf.download" holding the partial file.
SAFARI_PARTIAL = re.compile(r".*\.download$", re.IGNORECASE)


def is_ignored_folder(path: PurePath) -> bool:
    """Whether everything under this folder (relative to the share) is to be left alone."""
    return any(is_ignored_folder_name(part) for part in path.parts)


def is_ignored_folder_name(name: str) -> bool:
    """Whether a folder of this name is never walked into (hidden, system, NAS, partial)."""
    return (
        name.startswith(".")
        or name in SYSTEM_FOLDERS
        or name.casefold() in OS_FOLDERS
        or bool(SAFARI_PARTIAL.match(name))
    )


def is_ignored(path: PurePath) -> bool:
    """Whether a path under the share is a leftover to leave alone (not a document)."""
    return is_ignored_folder(path.parent) or is_ignored_name(path.name)


def is_ignored_name(name: str) -> bool:
    """Whether a file of this name is a leftover wherever it lies (a string: scans are hot)."""
    return name.startswith(".") or name.casefold() in SYSTEM_NAMES or bool(TEMPORARY.match(name))


def is_conflict_copy(path: PurePath) -> bool:
    """Whether a name is a sync client's conflict copy (report it, never take it as new)."""
    return bool(CONFLICT.search(path.name))
