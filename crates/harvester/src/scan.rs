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
//!
//! A directory of 100,000 plots is scanned without a `stat` per file (the entry's type comes
//! with the directory listing; only symlinks are followed with a `stat`) and sorted with one
//! byte comparison per pair instead of `Path`'s component-wise one.

use std::os::unix::ffi::OsStrExt;
use std::path::{Component, Path, PathBuf};

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

/// All plot files under the configured directories, sorted (by `Path`'s order) and without
/// repeats.
pub fn find_plot_files(settings: &ScanSettings) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for directory in &settings.directories {
        if !directory.is_dir() {
            tracing::warn!(directory = %directory.display(), "plot directory does not exist");
            continue;
        }
        let follow = settings.recursive && settings.follow_links;
        walk(directory, settings.recursive, follow, 0, &mut found);
    }
    let mut sorted = sort_paths(found);
    sorted.dedup();
    sorted
}

/// Sorts paths in `Path`'s order (component by component) by comparing one byte string per
/// path: each component is a tag in `Component`'s variant order, its name (for a normal
/// component), and a 0 byte, which sorts below every byte of a name (a Unix name has no NUL).
/// The keys share one buffer so sorting leaves no small allocations behind.
fn sort_paths(paths: Vec<PathBuf>) -> Vec<PathBuf> {
    let mut keys = Vec::new();
    let mut spans = Vec::with_capacity(paths.len());
    for path in &paths {
        let start = keys.len();
        for component in path.components() {
            match component {
                Component::Prefix(prefix) => {
                    keys.push(1);
                    keys.extend_from_slice(prefix.as_os_str().as_bytes());
                }
                Component::RootDir => keys.push(2),
                Component::CurDir => keys.push(3),
                Component::ParentDir => keys.push(4),
                Component::Normal(name) => {
                    keys.push(5);
                    keys.extend_from_slice(name.as_bytes());
                }
            }
            keys.push(0);
        }
        spans.push((start, keys.len()));
    }
    let key = |index: usize| {
        spans
            .get(index)
            .and_then(|&(start, end)| keys.get(start..end))
            .unwrap_or_default()
    };
    let mut order: Vec<usize> = (0..paths.len()).collect();
    order.sort_unstable_by(|&a, &b| key(a).cmp(key(b)));
    let mut slots: Vec<Option<PathBuf>> = paths.into_iter().map(Some).collect();
    order
        .into_iter()
        .filter_map(|index| slots.get_mut(index).and_then(Option::take))
        .collect()
}

fn walk(
    directory: &Path,
    recursive: bool,
    follow_links: bool,
    depth: usize,
    found: &mut Vec<PathBuf>,
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
        // `is_dir`/`is_file` on the path follow a symlink; the entry's type does not, and for
        // anything but a symlink it is the same answer without a `stat`.
        let (is_dir, is_file) = if file_type.is_symlink() {
            (path.is_dir(), path.is_file())
        } else {
            (file_type.is_dir(), file_type.is_file())
        };
        if is_dir {
            let enter = recursive && (follow_links || !file_type.is_symlink());
            if enter && depth < MAX_DEPTH {
                walk(&path, recursive, follow_links, depth + 1, found);
            }
            continue;
        }
        if !is_plot_name(&name) || !is_file {
            continue;
        }
        if follow_links {
            match std::fs::canonicalize(&path) {
                Ok(resolved) => found.push(resolved),
                Err(error) => {
                    tracing::warn!(path = %path.display(), %error, "cannot resolve plot path");
                }
            }
        } else {
            found.push(path);
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
    fn sorting_follows_path_order() {
        let paths: Vec<PathBuf> = [
            "/a/b",
            "/a-b",
            "/a/b/c",
            "/a",
            "/a/",
            "/a//b",
            "/a/./b",
            "/a/../b",
            "/a b/c",
            "/",
            "/a/bc",
            "/a/b.plot",
            "/a/b/",
            "/ab",
            "/Z",
            "/z",
            "/a/\u{e9}",
            "/a/\u{7f}x",
            "/a/\tq",
        ]
        .iter()
        .map(PathBuf::from)
        .collect();
        let mut expected = paths.clone();
        expected.sort();
        assert_eq!(sort_paths(paths), expected);
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
