//! Finding plot files in the configured directories (chia/plotting/util.py `get_filenames`).
//!
//! * `*.plot` and `*.plot2` files directly in each directory, or in the whole tree when
//!   `recursive_plot_scan` is set. Names starting with `._` (macOS resource forks) are skipped.
//! * Without `recursive_follow_links` the walk does not enter symlinked directories (Python
//!   3.11's `rglob`), though symlinks to files count. With it (and `recursive`), chia uses
//!   `glob.glob(..., recursive=True)`, which follows directory links, skips names starting with
//!   `.`, and resolves each file path.
//! * A directory that does not exist or cannot be read is logged and contributes nothing, so one
//!   unplugged disk does not stop the others from being scanned.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// How to walk the plot directories.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ScanSettings {
    /// Directories to scan, absolute.
    pub directories: Vec<PathBuf>,
    /// `recursive_plot_scan`.
    pub recursive: bool,
    /// `recursive_follow_links` (only meaningful with `recursive`).
    pub follow_links: bool,
}

/// How deep a followed-links walk may go: a symlink loop must end somewhere.
const MAX_DEPTH: usize = 64;

/// All plot files under the configured directories, sorted and without repeats.
pub fn find_plot_files(settings: &ScanSettings) -> Vec<PathBuf> {
    let mut found = BTreeSet::new();
    for directory in &settings.directories {
        if !directory.is_dir() {
            tracing::warn!(directory = %directory.display(), "plot directory does not exist");
            continue;
        }
        let follow = settings.recursive && settings.follow_links;
        walk(directory, settings.recursive, follow, 0, &mut found);
    }
    found.into_iter().collect()
}

fn walk(
    directory: &Path,
    recursive: bool,
    follow_links: bool,
    depth: usize,
    found: &mut BTreeSet<PathBuf>,
) {
    let entries = match std::fs::read_dir(directory) {
        Ok(entries) => entries,
        Err(error) => {
            tracing::warn!(directory = %directory.display(), %error, "cannot list plot directory");
            return;
        }
    };
    for entry in entries {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                tracing::warn!(directory = %directory.display(), %error, "cannot read directory entry");
                continue;
            }
        };
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if follow_links && name.starts_with('.') {
            continue;
        }
        let Ok(file_type) = entry.file_type() else {
            continue;
        };
        // `is_dir`/`is_file` on the path follow a symlink; the entry's type does not.
        let is_dir = path.is_dir();
        if is_dir {
            let enter = recursive && (follow_links || !file_type.is_symlink());
            if enter && depth < MAX_DEPTH {
                walk(&path, recursive, follow_links, depth + 1, found);
            }
            continue;
        }
        if !is_plot_name(&name) || !path.is_file() {
            continue;
        }
        if follow_links {
            match std::fs::canonicalize(&path) {
                Ok(resolved) => {
                    found.insert(resolved);
                }
                Err(error) => {
                    tracing::warn!(path = %path.display(), %error, "cannot resolve plot path");
                }
            }
        } else {
            found.insert(path);
        }
    }
}

/// `*.plot` or `*.plot2`, and not a `._` resource fork.
pub fn is_plot_name(name: &str) -> bool {
    !name.starts_with("._") && (name.ends_with(".plot") || name.ends_with(".plot2"))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use std::fs;

    fn touch(path: &Path) {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, b"x").unwrap();
    }

    #[test]
    fn names() {
        assert!(is_plot_name("plot-k32-x.plot"));
        assert!(is_plot_name("a.plot2"));
        assert!(!is_plot_name("._a.plot"));
        assert!(!is_plot_name("a.plot.tmp"));
        assert!(!is_plot_name("a.plo"));
    }

    #[test]
    fn flat_recursive_and_links() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        let plots = root.join("plots");
        touch(&plots.join("a.plot"));
        touch(&plots.join("._a.plot"));
        touch(&plots.join("b.plot2"));
        touch(&plots.join("notes.txt"));
        touch(&plots.join("sub/c.plot"));
        touch(&root.join("elsewhere/d.plot"));
        fs::create_dir(plots.join("dir.plot")).unwrap();
        std::os::unix::fs::symlink(root.join("elsewhere"), plots.join("linked")).unwrap();
        let mut settings = ScanSettings {
            directories: vec![plots.clone(), root.join("missing")],
            recursive: false,
            follow_links: false,
        };
        assert_eq!(
            find_plot_files(&settings),
            vec![plots.join("a.plot"), plots.join("b.plot2")]
        );
        settings.recursive = true;
        assert_eq!(
            find_plot_files(&settings),
            vec![
                plots.join("a.plot"),
                plots.join("b.plot2"),
                plots.join("sub/c.plot")
            ]
        );
        settings.follow_links = true;
        assert_eq!(
            find_plot_files(&settings),
            vec![
                root.join("elsewhere/d.plot"),
                plots.join("a.plot"),
                plots.join("b.plot2"),
                plots.join("sub/c.plot"),
            ]
        );
    }

    #[test]
    fn symlink_loop_terminates() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        touch(&root.join("a.plot"));
        std::os::unix::fs::symlink(&root, root.join("loop")).unwrap();
        let settings = ScanSettings {
            directories: vec![root.clone()],
            recursive: true,
            follow_links: true,
        };
        assert_eq!(find_plot_files(&settings), vec![root.join("a.plot")]);
    }
}
