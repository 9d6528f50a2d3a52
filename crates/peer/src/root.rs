//! A chia root: where a service finds it, and its `config/config.yaml`.
//!
//! chia's services take the root from `--root`, else `CHIA_ROOT`, else `~/.chia/mainnet`, and read
//! everything else (network, peers, certificate paths) from the root's `config.yaml`. The
//! farmer and the harvester read their own sections of that document; this module only finds and
//! parses it, with one error type both services wrap.

use std::path::{Path, PathBuf};

use serde_yaml::Value;

/// A chia root that cannot be found or whose `config.yaml` cannot be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RootError {
    /// No root was given, `CHIA_ROOT` is unset and there is no home directory.
    #[error("no chia root: pass --root, set CHIA_ROOT, or set HOME")]
    NoRoot,
    /// `config/config.yaml` could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// `config/config.yaml` is not YAML.
    #[error("cannot parse {path}: {source}")]
    Yaml {
        /// The file.
        path: PathBuf,
        /// The parser's error.
        source: serde_yaml::Error,
    },
}

/// Where a chia service finds its root: the `--root` flag, else `CHIA_ROOT`, else
/// `~/.chia/mainnet`, with a leading `~` expanded with `home` as Python's `expanduser` does.
///
/// `None` when the path needs a home directory and none is known.
pub fn resolve_chia_root(
    flag: Option<&Path>,
    chia_root_env: Option<&str>,
    home: Option<&Path>,
) -> Option<PathBuf> {
    if let Some(flag) = flag {
        return Some(flag.to_path_buf());
    }
    let spec = chia_root_env.unwrap_or("~/.chia/mainnet");
    match spec.strip_prefix('~') {
        Some(rest) if rest.is_empty() || rest.starts_with('/') => {
            Some(home?.join(rest.trim_start_matches('/')))
        }
        _ => Some(PathBuf::from(spec)),
    }
}

/// [`resolve_chia_root`], with [`RootError::NoRoot`] when it finds none.
pub fn resolve_root(
    flag: Option<&Path>,
    chia_root_env: Option<&str>,
    home: Option<&Path>,
) -> Result<PathBuf, RootError> {
    resolve_chia_root(flag, chia_root_env, home).ok_or(RootError::NoRoot)
}

/// `root/config/config.yaml`.
pub fn config_path(root: &Path) -> PathBuf {
    root.join("config").join("config.yaml")
}

/// Reads and parses `root/config/config.yaml`.
pub fn read_config(root: &Path) -> Result<Value, RootError> {
    let path = config_path(root);
    let text = std::fs::read_to_string(&path).map_err(|source| RootError::Read {
        path: path.clone(),
        source,
    })?;
    parse_config(root, &text)
}

/// Parses the text of the `config.yaml` of `root` (errors name that file).
pub fn parse_config(root: &Path, text: &str) -> Result<Value, RootError> {
    serde_yaml::from_str(text).map_err(|source| RootError::Yaml {
        path: config_path(root),
        source,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    // Root resolution (flag, CHIA_ROOT, ~) is tested through the services' wrappers
    // (crates/farmer/tests/config.rs, crates/harvester/tests/config.rs).

    #[test]
    fn unreadable_and_malformed_configs_name_the_file() {
        let dir = std::env::temp_dir().join(format!("sickle-root-test-{}", std::process::id()));
        let error = read_config(&dir).unwrap_err();
        assert!(matches!(error, RootError::Read { .. }));
        assert!(error.to_string().contains("config.yaml"), "{error}");
        let error = parse_config(&dir, ": : :\n- [").unwrap_err();
        assert!(matches!(error, RootError::Yaml { .. }));
        assert!(error.to_string().contains("config.yaml"), "{error}");
        assert_eq!(parse_config(&dir, "a: 1").unwrap()["a"], Value::from(1));
    }
}
