//! `cargo xtask interop`: Sickle's peer layer against the real chia-blockchain 2.7.5 services.
//!
//! 0. A CA and node certificates made entirely by Sickle are compared field by field with chia's
//!    (`xtask/py/interop_certs.py`) and used by chia's own TLS contexts for a handshake.
//! 1. A temp chia root (`chia init`, HOME/CHIA_ROOT/CHIA_KEYS_ROOT inside the temp dir, every port
//!    on loopback and off chia's defaults) and a Sickle root whose node certificates Sickle signs
//!    with that root's private CA.
//! 2. The real daemon (holding one key from a fixed mnemonic) and a real farmer (its peer server
//!    patched to bind 127.0.0.1, see `xtask/py/interop_service.py`); a Sickle harvester dials the
//!    farmer, must complete the chia handshake and receive `harvester_handshake` (type 3); dialled
//!    with a wrong network id it must be refused with close 1002, reason "110".
//! 3. A Sickle farmer listens; a real harvester dials it, completes the handshake, and answers
//!    Sickle's `harvester_handshake` with `plot_sync_start` (type 78), and Sickle's `request_plots`
//!    (id 32768) with `respond_plots2` (type 113) carrying the same id.
//!
//! Every process started here is stopped by its pid (SIGTERM, then SIGKILL after 15 s), also when
//! a step fails. The temp dir is removed on success and kept (path printed) on failure.

use crate::venv;
use anyhow::{Context, Result, bail};
use std::fs::File;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long a service may take to open its port.
const START_LIMIT: Duration = Duration::from_secs(90);
/// How long a stopped service may take to exit before SIGKILL.
const STOP_LIMIT: Duration = Duration::from_secs(15);

/// A started process, stopped by pid when dropped.
pub(crate) struct Service {
    name: &'static str,
    child: Child,
    pub(crate) log: PathBuf,
}

impl Service {
    pub(crate) fn spawn(name: &'static str, mut command: Command, log: PathBuf) -> Result<Self> {
        let out = File::create(&log).with_context(|| format!("creating {}", log.display()))?;
        let err = out.try_clone()?;
        let child = command
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .with_context(|| format!("starting {name}"))?;
        eprintln!("xtask interop: started {name} (pid {})", child.id());
        Ok(Service { name, child, log })
    }

    /// Waits until `addr` accepts TCP connections, failing early if the process exits.
    pub(crate) fn wait_for_port(&mut self, addr: SocketAddr) -> Result<()> {
        let started = Instant::now();
        while started.elapsed() < START_LIMIT {
            if let Some(status) = self.child.try_wait()? {
                bail!(
                    "{} exited with {status} before listening; log:\n{}",
                    self.name,
                    tail(&self.log)
                );
            }
            if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        bail!(
            "{} did not listen on {addr} within {START_LIMIT:?}; log:\n{}",
            self.name,
            tail(&self.log)
        )
    }

    /// Waits for the process to exit by itself.
    pub(crate) fn wait_exit(&mut self, limit: Duration) -> Result<std::process::ExitStatus> {
        let started = Instant::now();
        while started.elapsed() < limit {
            if let Some(status) = self.child.try_wait()? {
                return Ok(status);
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        bail!(
            "{} still running after {limit:?}; log:\n{}",
            self.name,
            tail(&self.log)
        )
    }

    fn stop(&mut self) {
        if let Ok(Some(_)) = self.child.try_wait() {
            return;
        }
        let pid = self.child.id().to_string();
        // SIGTERM lets chia shut down cleanly; `kill` is the portable way to send it without libc.
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        let started = Instant::now();
        while started.elapsed() < STOP_LIMIT {
            if let Ok(Some(_)) = self.child.try_wait() {
                eprintln!("xtask interop: stopped {} (pid {pid})", self.name);
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        eprintln!("xtask interop: killed {} (pid {pid})", self.name);
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The last lines of a log, for error messages.
pub(crate) fn tail(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(30)..].join("\n")
}

/// A temp dir removed on drop unless kept.
pub(crate) struct TempDir {
    pub(crate) path: PathBuf,
    pub(crate) keep: bool,
}

impl Drop for TempDir {
    fn drop(&mut self) {
        if self.keep {
            eprintln!("xtask interop: kept {} for inspection", self.path.display());
        } else {
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}

/// Loopback ports that were free a moment ago.
pub(crate) fn free_ports(count: usize) -> Result<Vec<u16>> {
    let listeners = (0..count)
        .map(|_| TcpListener::bind("127.0.0.1:0"))
        .collect::<std::io::Result<Vec<_>>>()?;
    listeners
        .iter()
        .map(|l| Ok(l.local_addr()?.port()))
        .collect()
}

fn check(status: std::process::ExitStatus, what: &str) -> Result<()> {
    if !status.success() {
        bail!("{what} failed with {status}");
    }
    Ok(())
}

/// Runs the whole interop check.
pub fn run() -> Result<()> {
    let started = Instant::now();
    let python = venv::ensure()?;
    let root = venv::workspace_root();

    eprintln!("xtask interop: building the sickle-peer interop example");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .args([
            "build",
            "--quiet",
            "-p",
            "sickle-peer",
            "--example",
            "interop_peer",
        ])
        .current_dir(&root)
        .status()
        .context("running cargo build")?;
    check(status, "cargo build --example interop_peer")?;
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map(|t| if t.is_absolute() { t } else { root.join(t) })
        .unwrap_or_else(|| root.join("target"));
    let peer_bin = target.join("debug").join("examples").join("interop_peer");

    let mut tmp = TempDir {
        path: std::env::temp_dir().join(format!("sickle-interop-{}", std::process::id())),
        keep: true,
    };
    std::fs::create_dir_all(&tmp.path)?;
    let result = scenarios(&python, &root, &peer_bin, &tmp.path);
    tmp.keep = result.is_err();
    result?;
    eprintln!(
        "xtask interop: passed in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn scenarios(python: &Path, workspace: &Path, peer_bin: &Path, tmp: &Path) -> Result<()> {
    let chia_root = tmp.join("chia-root");
    let sickle_root = tmp.join("sickle-root");
    let ports = free_ports(6)?;
    let [
        farmer_port,
        sickle_port,
        spare_full_node,
        spare_solver,
        spare_daemon,
        _,
    ] = ports[..]
    else {
        bail!("expected six ports");
    };
    let chia_env = |command: &mut Command| {
        command
            .env("HOME", tmp)
            .env("CHIA_ROOT", &chia_root)
            .env("CHIA_KEYS_ROOT", tmp.join("keys"))
            .current_dir(workspace);
    };
    let script = |name: &str| workspace.join("xtask").join("py").join(name);

    // 0. Certificates made entirely by Sickle (new CA) have chia's shape and pass chia's contexts.
    let own_ca_root = tmp.join("sickle-own-ca");
    let status = Command::new(peer_bin)
        .arg("certs")
        .arg(&own_ca_root)
        .status()
        .context("running interop_peer certs (new CA)")?;
    check(status, "interop_peer certs with a new Sickle CA")?;
    let mut certs_check = Command::new(python);
    certs_check
        .arg(script("interop_certs.py"))
        .arg(&own_ca_root);
    chia_env(&mut certs_check);
    check(
        certs_check.status().context("running interop_certs.py")?,
        "interop_certs.py (Sickle-made certificates against chia's)",
    )?;
    println!(
        "interop: sickle-made CA and node certificates match chia's and pass chia's TLS contexts"
    );

    eprintln!("xtask interop: chia init in {}", chia_root.display());
    let mut setup = Command::new(python);
    setup.arg(script("interop_setup.py")).arg(&chia_root).args(
        [
            farmer_port,
            sickle_port,
            spare_full_node,
            spare_solver,
            spare_daemon,
        ]
        .map(|p| p.to_string()),
    );
    chia_env(&mut setup);
    let output = setup.output().context("running interop_setup.py")?;
    let stdout = String::from_utf8_lossy(&output.stdout).to_string();
    if !output.status.success() {
        bail!(
            "interop_setup.py failed with {}:\n{stdout}\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let network = stdout
        .lines()
        .find_map(|l| l.strip_prefix("network="))
        .context("interop_setup.py printed no network")?
        .trim()
        .to_string();

    let status = Command::new(peer_bin)
        .arg("certs")
        .arg(&sickle_root)
        .arg(chia_root.join("config").join("ssl").join("ca"))
        .status()
        .context("running interop_peer certs")?;
    check(
        status,
        "interop_peer certs (node certificates signed by chia's private CA)",
    )?;

    // 1. Sickle harvester → real farmer (with the daemon, so the farmer has its keys).
    {
        let mut command = Command::new(python);
        command.arg(script("interop_service.py")).arg("daemon");
        chia_env(&mut command);
        let mut daemon = Service::spawn("chia daemon", command, tmp.join("daemon.log"))?;
        daemon.wait_for_port(SocketAddr::from(([127, 0, 0, 1], spare_daemon)))?;
        let mut command = Command::new(python);
        command.arg(script("interop_service.py")).arg("farmer");
        chia_env(&mut command);
        let mut farmer = Service::spawn("chia farmer", command, tmp.join("farmer.log"))?;
        let addr = SocketAddr::from(([127, 0, 0, 1], farmer_port));
        farmer.wait_for_port(addr)?;
        let output = Command::new(peer_bin)
            .arg("dial")
            .arg(&sickle_root)
            .args([network.as_str(), &addr.to_string(), "60", "3"])
            .output()
            .context("running interop_peer dial")?;
        let out = String::from_utf8_lossy(&output.stdout);
        print!("{out}");
        let handshake = out.contains("HANDSHAKE node_type=3 protocol_version=0.0.38");
        let harvester_handshake = out.contains("MESSAGE type=3 ");
        if !output.status.success() || !handshake || !harvester_handshake {
            bail!(
                "sickle harvester -> chia farmer failed (handshake {handshake}, harvester_handshake {harvester_handshake}):\n{out}\nfarmer log:\n{}",
                tail(&farmer.log)
            );
        }
        println!(
            "interop: sickle harvester -> chia farmer: handshake ok, harvester_handshake received"
        );
        // The same dial on another network must be refused the way chia refuses it.
        let output = Command::new(peer_bin)
            .arg("dial")
            .arg(&sickle_root)
            .args(["sickle-wrong-net", &addr.to_string(), "5"])
            .output()
            .context("running interop_peer dial on a wrong network")?;
        let out = String::from_utf8_lossy(&output.stdout);
        print!("{out}");
        if output.status.success() || !out.contains("closed with code 1002 reason \"110\"") {
            bail!("a wrong network id was not refused with 1002/110 by the chia farmer:\n{out}");
        }
        println!("interop: wrong network id -> chia farmer closes with 1002 \"110\"");
        // Stop the farmer before the daemon it talks to.
        drop(farmer);
    }

    // 2. Real harvester → Sickle farmer.
    {
        let mut command = Command::new(peer_bin);
        command.arg("listen").arg(&sickle_root).args([
            network.as_str(),
            &sickle_port.to_string(),
            "90",
        ]);
        let mut listener = Service::spawn("sickle farmer", command, tmp.join("sickle-farmer.log"))?;
        listener.wait_for_port(SocketAddr::from(([127, 0, 0, 1], sickle_port)))?;
        let mut command = Command::new(python);
        command.arg(script("interop_service.py")).arg("harvester");
        chia_env(&mut command);
        let harvester = Service::spawn("chia harvester", command, tmp.join("harvester.log"))?;
        let status = listener.wait_exit(Duration::from_secs(120))?;
        let out = std::fs::read_to_string(&listener.log)?;
        print!("{out}");
        let handshake = out.contains("HANDSHAKE node_type=2 protocol_version=0.0.38");
        let plot_sync = out.contains("MESSAGE type=78 ");
        let respond_plots = out.contains("RESPONSE respond_plots2 matched by request id");
        if !status.success() || !handshake || !plot_sync || !respond_plots {
            bail!(
                "chia harvester -> sickle farmer failed (handshake {handshake}, plot_sync_start {plot_sync}, respond_plots2 {respond_plots}); harvester log:\n{}",
                tail(&harvester.log)
            );
        }
        println!(
            "interop: chia harvester -> sickle farmer: handshake ok, plot_sync_start received, request_plots answered by respond_plots2 matched by id and decoded; all payloads pass the strict check"
        );
    }
    Ok(())
}
