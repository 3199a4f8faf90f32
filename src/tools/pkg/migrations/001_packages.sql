-- Installed packages and everything installing them put on the system, so
-- that removing one (and undoing either) is exact.
CREATE TABLE pkg_installed (
  name          TEXT PRIMARY KEY,
  version       TEXT NOT NULL,
  architecture  TEXT NOT NULL,
  -- 1: installed only as a dependency (autoremove takes it when nothing needs it)
  auto          INTEGER NOT NULL DEFAULT 0,
  -- the package's control stanza, as in its .deb: what the resolver reads
  control       TEXT NOT NULL,
  -- sha256 of the .deb, which stays in the cache: undoing a removal reinstalls from it
  sha256        TEXT NOT NULL,
  repository    TEXT NOT NULL,
  installed_at  INTEGER NOT NULL,
  call_id       TEXT,
  -- maintainer scripts present in the package and not run (JSON array)
  scripts_skipped TEXT NOT NULL DEFAULT '[]'
) STRICT;

-- One owner per path. `path` is the guest path with its directories' symlinks
-- resolved (bin/ip lands in /usr/bin/ip when /bin -> usr/bin).
CREATE TABLE pkg_files (
  path      TEXT PRIMARY KEY,
  package   TEXT NOT NULL REFERENCES pkg_installed(name) ON DELETE CASCADE,
  type      TEXT NOT NULL CHECK (type IN ('file', 'symlink', 'hardlink')),
  mode      INTEGER NOT NULL,
  uid       INTEGER NOT NULL,
  gid       INTEGER NOT NULL,
  size      INTEGER NOT NULL,
  -- content digest for files and hardlinks; NULL for symlinks
  sha256    TEXT,
  -- symlink target, or the guest path a hardlink shares its inode with
  target    TEXT,
  conffile  INTEGER NOT NULL DEFAULT 0,
  -- JSON: what was at this path before (a file of the base image, say) and is put back on remove
  replaced  TEXT
) STRICT;
CREATE INDEX pkg_files_package ON pkg_files(package);

-- Directories a package ships or needs. Several packages may claim one;
-- `created` marks the claim whose package made it (it moves to another
-- claimant when that package goes), `state` the directories made on behalf
-- of maintainer scripts that were not run (/var/log/<pkg>...), whose
-- contents purge deletes.
CREATE TABLE pkg_dirs (
  package  TEXT NOT NULL REFERENCES pkg_installed(name) ON DELETE CASCADE,
  path     TEXT NOT NULL,
  mode     INTEGER NOT NULL,
  created  INTEGER NOT NULL DEFAULT 0,
  state    INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (package, path)
) STRICT;
CREATE INDEX pkg_dirs_path ON pkg_dirs(path);

-- System users and groups packages need, with the same claim rule as directories.
CREATE TABLE pkg_accounts (
  kind     TEXT NOT NULL CHECK (kind IN ('user', 'group')),
  name     TEXT NOT NULL,
  id       INTEGER NOT NULL,
  package  TEXT NOT NULL REFERENCES pkg_installed(name) ON DELETE CASCADE,
  created  INTEGER NOT NULL DEFAULT 0,
  -- the /etc/passwd or /etc/group line written, so removal takes exactly that line
  line     TEXT NOT NULL,
  PRIMARY KEY (kind, name, package)
) STRICT;
