//! Files only their owner may read: the SQLite database (and its `-wal`/`-shm`, which SQLite
//! creates with the database file's permissions), the import's rejects file. They hold ID
//! numbers, names and mobile numbers; the process's umask would usually leave them readable
//! by every local user.

use std::fs::{File, OpenOptions};
use std::io;
use std::path::Path;

/// Permission bits of an owner-only file.
pub const PRIVATE_MODE: u32 = 0o600;

/// Creates (or truncates) `path` for writing, readable and writable by its owner only, also
/// when it already existed with wider permissions.
pub fn create_private(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, PRIVATE_MODE);
    let file = options.open(path)?;
    // The mode applies only when the file is created.
    restrict(&file)?;
    Ok(file)
}

/// Creates `path` empty and owner-only if it does not exist; if it exists with wider
/// permissions, takes them away. Returns whether the permissions were narrowed.
///
/// An existing file is never opened, only changed by its path: for a SQLite database, closing
/// any descriptor of the file releases every POSIX lock this process holds on it (SQLite's
/// "how to corrupt a database", 2.2), so opening and closing it while another connection of
/// the process has it open let another process's write be lost.
pub fn ensure_private(path: &Path) -> io::Result<bool> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, PRIVATE_MODE);
    match options.open(path) {
        // New, so nobody else has it open: the descriptor may close.
        Ok(file) => restrict(&file),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => narrow_private(path),
        Err(e) => Err(e),
    }
}

/// Narrows an existing `path` to its owner if others may read or write it, by its path (it is
/// not opened; see [`ensure_private`]); a missing file is left missing. Returns whether the
/// permissions were narrowed.
pub fn narrow_private(path: &Path) -> io::Result<bool> {
    let metadata = match std::fs::metadata(path) {
        Ok(metadata) => metadata,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(e),
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = metadata.permissions().mode();
        if mode & 0o077 != 0 {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode & 0o700))?;
            return Ok(true);
        }
    }
    #[cfg(not(unix))]
    let _ = metadata;
    Ok(false)
}

/// Narrows an open file to its owner if others may read or write it.
fn restrict(file: &File) -> io::Result<bool> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = file.metadata()?.permissions().mode();
        if mode & 0o077 != 0 {
            file.set_permissions(std::fs::Permissions::from_mode(mode & 0o700))?;
            return Ok(true);
        }
    }
    #[cfg(not(unix))]
    let _ = file;
    Ok(false)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn new_and_existing_files_end_up_owner_only() {
        let dir = std::env::temp_dir().join(format!(
            "private-file-{}-{}",
            std::process::id(),
            crate::infra::new_public_id()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let fresh = dir.join("fresh");
        create_private(&fresh).unwrap();
        assert_eq!(mode(&fresh), 0o600);

        let loose = dir.join("loose");
        std::fs::write(&loose, b"kept").unwrap();
        std::fs::set_permissions(&loose, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert!(ensure_private(&loose).unwrap());
        assert_eq!(mode(&loose), 0o600);
        assert_eq!(std::fs::read(&loose).unwrap(), b"kept", "not truncated");
        assert!(!ensure_private(&loose).unwrap());
        std::fs::set_permissions(&loose, std::fs::Permissions::from_mode(0o640)).unwrap();
        assert!(narrow_private(&loose).unwrap());
        assert_eq!(mode(&loose), 0o600);
        let missing = dir.join("missing");
        assert!(!narrow_private(&missing).unwrap());
        assert!(!missing.exists(), "nothing created");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
