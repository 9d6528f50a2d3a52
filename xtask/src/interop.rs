//! `cargo xtask interop`: Sickle against the real chia-blockchain 2.7.5 services.
//!
//! 0. A CA and node certificates made entirely by Sickle are compared field by field with chia's
//!    (`xtask/py/interop_certs.py`) and used by chia's own TLS contexts for a handshake.
//! 1. A temp chia root (`chia init`, HOME/CHIA_ROOT/CHIA_KEYS_ROOT inside the temp dir, every port
//!    on loopback and off chia's defaults, testnet11 with the plot filter off), one key from a
//!    fixed mnemonic, and two k=18 plots made by chiapos for it (`xtask/py/interop_setup.py`).
//! 2. The real daemon and farmer (its peer server patched to bind 127.0.0.1, see
//!    `xtask/py/interop_service.py`). Sickle's peer layer dials the farmer and must receive
//!    `harvester_handshake`; with a wrong network id it must be refused with close 1002, "110".
//! 3. Arm A: `sickle-harvester --root <root>` and nothing else farms for that farmer. The farmer's
//!    RPC (`get_harvesters`) must list every plot with its id, size and keys, and signage points
//!    sent by a scripted full node (`xtask/py/interop_farm.py fullnode`) must come back from the
//!    farmer as `declare_proof_of_space`: the farmer verified Sickle's proofs and signatures. Then
//!    the farmer restarts, and the harvester must dial it again and sync every plot anew.
//! 4. Arm B: the real harvester, pointed at `sickle-farmer` (same root, its mnemonic in a key
//!    file), must sync every plot (count and ids), and answer the simulated signage points with
//!    proofs that Sickle verifies and signatures that aggregate and verify, with no invalid proof
//!    (`interop_farm.py status` reads `/status` and `/plots`).
//!
//! Every process started here is stopped by its pid (SIGTERM, then SIGKILL after 15 s), also when
//! a step fails. The temp dir is removed on success and kept (path printed) on failure.

use crate::{cargo, venv};
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

/// Runs `command` as a chia service of `chia_root` whose home (and keyring) is inside `tmp`, from
/// the workspace: nothing touches the real `~/.chia`.
pub(crate) fn chia_env(command: &mut Command, tmp: &Path, chia_root: &Path) {
    command
        .env("HOME", tmp)
        .env("CHIA_ROOT", chia_root)
        .env("CHIA_KEYS_ROOT", tmp.join("keys"))
        .current_dir(venv::workspace_root());
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

/// The binaries the interop run starts.
struct Binaries {
    /// `crates/peer/examples/interop_peer.rs`: certificates and bare peer-level dials.
    peer: PathBuf,
    harvester: PathBuf,
    farmer: PathBuf,
}

/// Runs the whole interop check.
pub fn run() -> Result<()> {
    let started = Instant::now();
    let python = venv::ensure()?;
    let root = venv::workspace_root();

    eprintln!("xtask interop: building interop_peer, sickle-harvester and sickle-farmer");
    cargo::build(&["-p", "sickle-peer", "--example", "interop_peer"])?;
    cargo::build(&["-p", "sickle-harvester", "-p", "sickle-farmer", "--bins"])?;
    let debug = cargo::target_dir().join("debug");
    let bins = Binaries {
        peer: debug.join("examples").join("interop_peer"),
        harvester: debug.join("sickle-harvester"),
        farmer: debug.join("sickle-farmer"),
    };

    let mut tmp = TempDir {
        path: std::env::temp_dir().join(format!("sickle-interop-{}", std::process::id())),
        keep: true,
    };
    std::fs::create_dir_all(&tmp.path)?;
    let result = scenarios(&python, &root, &bins, &tmp.path);
    tmp.keep = result.is_err();
    result?;
    eprintln!(
        "xtask interop: passed in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Ports on loopback for one run.
struct Ports {
    /// The chia farmer's harvester port.
    farmer: u16,
    /// `sickle-farmer`'s harvester port.
    sickle_farmer: u16,
    /// The scripted full node the chia farmer dials.
    full_node: u16,
    /// The chia farmer's RPC server.
    farmer_rpc: u16,
    /// Where the chia farmer looks for a solver (nothing listens).
    solver: u16,
    /// The chia daemon.
    daemon: u16,
    /// `sickle-farmer`'s /status.
    status: u16,
}

fn scenarios(python: &Path, workspace: &Path, bins: &Binaries, tmp: &Path) -> Result<()> {
    let chia_root = tmp.join("chia-root");
    let sickle_root = tmp.join("sickle-root");
    let plot_dir = tmp.join("plots");
    let plots_json = plot_dir.join("plots.json");
    let ports = free_ports(7)?;
    let ports = Ports {
        farmer: ports[0],
        sickle_farmer: ports[1],
        full_node: ports[2],
        farmer_rpc: ports[3],
        solver: ports[4],
        daemon: ports[5],
        status: ports[6],
    };
    let script = |name: &str| workspace.join("xtask").join("py").join(name);
    let python_command = |name: &str| {
        let mut command = Command::new(python);
        command.arg(script(name));
        chia_env(&mut command, tmp, &chia_root);
        command
    };

    // 0. Certificates made entirely by Sickle (new CA) have chia's shape and pass chia's contexts.
    let own_ca_root = tmp.join("sickle-own-ca");
    let status = Command::new(&bins.peer)
        .arg("certs")
        .arg(&own_ca_root)
        .status()
        .context("running interop_peer certs (new CA)")?;
    check(status, "interop_peer certs with a new Sickle CA")?;
    let mut certs_check = python_command("interop_certs.py");
    certs_check.arg(&own_ca_root);
    check(
        certs_check.status().context("running interop_certs.py")?,
        "interop_certs.py (Sickle-made certificates against chia's)",
    )?;
    println!(
        "interop: sickle-made CA and node certificates match chia's and pass chia's TLS contexts"
    );

    eprintln!(
        "xtask interop: chia init and two k=18 plots in {}",
        tmp.display()
    );
    let mut setup = python_command("interop_setup.py");
    setup.arg(&chia_root).arg(&plot_dir).args(
        [
            ports.farmer,
            ports.full_node,
            ports.farmer_rpc,
            ports.solver,
            ports.daemon,
        ]
        .map(|p| p.to_string()),
    );
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

    let status = Command::new(&bins.peer)
        .arg("certs")
        .arg(&sickle_root)
        .arg(chia_root.join("config").join("ssl").join("ca"))
        .status()
        .context("running interop_peer certs")?;
    check(
        status,
        "interop_peer certs (node certificates signed by chia's private CA)",
    )?;

    let farm = Farm {
        bins,
        chia_root: &chia_root,
        plots_json: &plots_json,
        ports: &ports,
        tmp,
        python_command: &python_command,
    };

    // 1. The real daemon and farmer; Sickle's peer layer, then the sickle-harvester service.
    {
        let mut command = python_command("interop_service.py");
        command.arg("daemon");
        let mut daemon = Service::spawn("chia daemon", command, tmp.join("daemon.log"))?;
        daemon.wait_for_port(SocketAddr::from(([127, 0, 0, 1], ports.daemon)))?;
        let mut farmer = start_chia_farmer(&farm, "farmer.log")?;
        let addr = SocketAddr::from(([127, 0, 0, 1], ports.farmer));
        peer_dials(bins, &sickle_root, &network, addr, &farmer)?;
        sickle_harvester_to_chia_farmer(&farm, &mut farmer)
            .with_context(|| format!("chia farmer log:\n{}", tail(&farmer.log)))?;
        // Stop the farmer before the daemon it talks to.
        drop(farmer);
    }

    // 2. The real harvester farms for the sickle-farmer service.
    let mut retarget = python_command("interop_setup.py");
    retarget
        .arg("retarget")
        .arg(&chia_root)
        .arg(ports.sickle_farmer.to_string());
    check(
        retarget
            .status()
            .context("running interop_setup.py retarget")?,
        "interop_setup.py retarget",
    )?;
    chia_harvester_to_sickle_farmer(&farm)
}

/// What both farming arms share: the binaries, the chia root and its plots, the ports.
#[derive(Clone, Copy)]
struct Farm<'a> {
    bins: &'a Binaries,
    chia_root: &'a Path,
    plots_json: &'a Path,
    ports: &'a Ports,
    tmp: &'a Path,
    python_command: &'a dyn Fn(&str) -> Command,
}

/// Sickle's bare peer layer against the chia farmer: handshake and `harvester_handshake`, and a
/// wrong network id refused the way chia refuses it.
fn peer_dials(
    bins: &Binaries,
    sickle_root: &Path,
    network: &str,
    addr: SocketAddr,
    farmer: &Service,
) -> Result<()> {
    let output = Command::new(&bins.peer)
        .arg("dial")
        .arg(sickle_root)
        .args([network, &addr.to_string(), "60", "3"])
        .output()
        .context("running interop_peer dial")?;
    let out = String::from_utf8_lossy(&output.stdout);
    print!("{out}");
    let handshake = out.contains("HANDSHAKE node_type=3 protocol_version=0.0.38");
    let harvester_handshake = out.contains("MESSAGE type=3 ");
    if !output.status.success() || !handshake || !harvester_handshake {
        bail!(
            "sickle-peer -> chia farmer failed (handshake {handshake}, harvester_handshake {harvester_handshake}):\n{out}\nfarmer log:\n{}",
            tail(&farmer.log)
        );
    }
    println!("interop: sickle-peer -> chia farmer: handshake ok, harvester_handshake received");
    let output = Command::new(&bins.peer)
        .arg("dial")
        .arg(sickle_root)
        .args(["sickle-wrong-net", &addr.to_string(), "5"])
        .output()
        .context("running interop_peer dial on a wrong network")?;
    let out = String::from_utf8_lossy(&output.stdout);
    print!("{out}");
    if output.status.success() || !out.contains("closed with code 1002 reason \"110\"") {
        bail!("a wrong network id was not refused with 1002/110 by the chia farmer:\n{out}");
    }
    println!("interop: wrong network id -> chia farmer closes with 1002 \"110\"");
    Ok(())
}

/// Runs a checking script to the end; on failure the error has its output and the services' logs.
fn run_check(mut check: Command, arm: &str, services: &[&Service], passed: &str) -> Result<()> {
    let output = check
        .output()
        .with_context(|| format!("running the {arm} check"))?;
    let out = String::from_utf8_lossy(&output.stdout);
    print!("{out}");
    if !output.status.success() {
        let logs: Vec<String> = services
            .iter()
            .map(|service| format!("{} log:\n{}", service.name, tail(&service.log)))
            .collect();
        bail!(
            "{arm} failed:\n{out}\n{}\n{}",
            String::from_utf8_lossy(&output.stderr),
            logs.join("\n")
        );
    }
    println!("interop: {arm}: {passed}");
    Ok(())
}

/// Arm A: `sickle-harvester --root` (nothing else) farms for the chia farmer that root names; the
/// farmer's RPC lists its plots, and signage points from a scripted full node come back as
/// declared proofs of space.
fn sickle_harvester_to_chia_farmer(farm: &Farm<'_>, farmer: &mut Service) -> Result<()> {
    let mut command = Command::new(&farm.bins.harvester);
    command
        .arg("--root")
        .arg(farm.chia_root)
        .env("HOME", farm.tmp)
        .env("RUST_LOG", "info");
    let harvester = Service::spawn(
        "sickle-harvester",
        command,
        farm.tmp.join("sickle-harvester.log"),
    )?;
    let mut full_node = (farm.python_command)("interop_farm.py");
    full_node
        .arg("fullnode")
        .arg(farm.chia_root)
        .args([
            farm.ports.full_node.to_string(),
            farm.ports.farmer_rpc.to_string(),
        ])
        .arg(farm.plots_json)
        .args(["5", "120"]);
    run_check(
        full_node,
        "sickle-harvester -> chia farmer",
        &[&harvester],
        "get_harvesters lists every plot (id, size, keys); signage points from a scripted full node came back as declare_proof_of_space",
    )?;

    // The farmer restarts; the harvester must dial it again and sync its plots anew.
    farmer.stop();
    *farmer = start_chia_farmer(farm, "farmer-restarted.log")?;
    let mut rpc = (farm.python_command)("interop_farm.py");
    rpc.arg("harvesters")
        .arg(farm.chia_root)
        .arg(farm.ports.farmer_rpc.to_string())
        .arg(farm.plots_json)
        .arg("90");
    run_check(
        rpc,
        "sickle-harvester -> restarted chia farmer",
        &[&harvester, farmer],
        "redialled and synced again: get_harvesters lists every plot",
    )
}

/// Starts the chia farmer of the root and waits for its harvester port.
fn start_chia_farmer(farm: &Farm<'_>, log: &str) -> Result<Service> {
    let mut command = (farm.python_command)("interop_service.py");
    command.arg("farmer");
    let mut farmer = Service::spawn("chia farmer", command, farm.tmp.join(log))?;
    farmer.wait_for_port(SocketAddr::from(([127, 0, 0, 1], farm.ports.farmer)))?;
    Ok(farmer)
}

/// Arm B: a chia harvester farms for `sickle-farmer`: plot sync complete (count and ids), proofs
/// verified, signatures aggregated and verified.
fn chia_harvester_to_sickle_farmer(farm: &Farm<'_>) -> Result<()> {
    let status_addr = SocketAddr::from(([127, 0, 0, 1], farm.ports.status));
    let mut command = Command::new(&farm.bins.farmer);
    command
        .arg("--root")
        .arg(farm.chia_root)
        .args(["--host", "127.0.0.1", "--port"])
        .arg(farm.ports.sickle_farmer.to_string())
        .arg("--keys")
        .arg(farm.tmp.join("mnemonic.txt"))
        .arg("--status")
        .arg(status_addr.to_string())
        .args(["--sp-interval-ms", "1000", "--difficulty", "1"])
        .args(["--sub-slot-iters", &(1u64 << 37).to_string()])
        .env("HOME", farm.tmp)
        .env("RUST_LOG", "info");
    let mut farmer = Service::spawn("sickle-farmer", command, farm.tmp.join("sickle-farmer.log"))?;
    farmer.wait_for_port(SocketAddr::from(([127, 0, 0, 1], farm.ports.sickle_farmer)))?;
    let mut command = (farm.python_command)("interop_service.py");
    command.arg("harvester");
    let harvester = Service::spawn("chia harvester", command, farm.tmp.join("harvester.log"))?;
    let mut check_status = (farm.python_command)("interop_farm.py");
    check_status
        .arg("status")
        .arg(status_addr.to_string())
        .arg(farm.plots_json)
        .arg("120");
    run_check(
        check_status,
        "chia harvester -> sickle-farmer",
        &[&farmer, &harvester],
        "plot sync complete (count and ids), proofs verified, signatures aggregated and verified, no invalid proof",
    )
}
