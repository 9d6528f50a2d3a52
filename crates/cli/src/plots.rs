//! `sickle plots show | prove | check`: inspect a plot, look up proofs, and check plots like
//! `chia plots check`.

use crate::CmdResult;
use clap::{Args, Subcommand};
use serde_json::{Value, json};
use sickle_pos::{HeaderVersion, Plot, PlotError, PlotMemo, PoolTarget};
use std::fs::File;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

/// `sickle plots` subcommands.
#[derive(Subcommand)]
pub enum PlotsCommand {
    /// Print a plot's header: k, plot id, memo fields, table pointers.
    Show {
        /// The plot file.
        plot: PathBuf,
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Look up qualities and full proofs for challenges.
    Prove(ProveArgs),
    /// Check plots like `chia plots check`: N challenges each, every proof verified.
    Check {
        /// Plot files, or directories whose `*.plot` files are checked.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Challenges per plot (chia's default 30; chia's minimum of 5 applies).
        #[arg(short = 'n', long = "num", default_value_t = 30)]
        num: u32,
        /// Print one JSON object per plot instead of text.
        #[arg(long)]
        json: bool,
    },
}

/// Arguments of `sickle plots prove`.
#[derive(Args)]
pub struct ProveArgs {
    /// The plot file.
    plot: PathBuf,
    /// A 32-byte challenge in hex (repeatable).
    #[arg(long = "challenge", value_name = "HEX")]
    challenges: Vec<String>,
    /// A file with one hex challenge per line (blank lines and `#` comments ignored).
    #[arg(long, value_name = "FILE", conflicts_with = "challenges")]
    challenges_file: Option<PathBuf>,
    /// Print one JSON line per challenge: {"challenge", "qualities", "proofs"}.
    #[arg(long)]
    json: bool,
}

/// What can go wrong in `sickle plots`.
#[derive(Debug, thiserror::Error)]
enum PlotsError {
    #[error("{path}: {source}")]
    Plot {
        path: String,
        #[source]
        source: PlotError,
    },
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("bad challenge {value:?}: expected 64 hex characters")]
    BadChallenge { value: String },
    #[error("no challenges: give --challenge HEX or --challenges-file FILE")]
    NoChallenges,
    #[error("{failed} of {total} plots failed the check")]
    CheckFailed { failed: usize, total: usize },
}

/// Runs one `sickle plots` subcommand.
pub fn run(cmd: PlotsCommand) -> CmdResult {
    match cmd {
        PlotsCommand::Show { plot, json } => show(&plot, json),
        PlotsCommand::Prove(args) => prove(&args),
        PlotsCommand::Check { paths, num, json } => check(&paths, num, json),
    }
}

fn open(path: &Path) -> Result<Plot<File>, PlotsError> {
    let file = File::open(path).map_err(|source| PlotsError::Io {
        path: path.display().to_string(),
        source,
    })?;
    Plot::open(file).map_err(|source| PlotsError::Plot {
        path: path.display().to_string(),
        source,
    })
}

fn plot_error(path: &Path) -> impl Fn(PlotError) -> PlotsError + '_ {
    move |source| PlotsError::Plot {
        path: path.display().to_string(),
        source,
    }
}

/// The memo's fields and the keys derived from them (chia's `parse_plot_info` and
/// `get_plot_id`/`generate_plot_public_key`).
fn memo_fields(memo: &PlotMemo) -> Value {
    let mut fields = serde_json::Map::new();
    match memo.pool() {
        PoolTarget::PublicKey(pk) => {
            fields.insert("pool_public_key".into(), json!(hex::encode(pk.to_bytes())));
        }
        PoolTarget::ContractPuzzleHash(ph) => {
            fields.insert("pool_contract_puzzle_hash".into(), json!(hex::encode(ph)));
        }
    }
    let farmer = memo.farmer_public_key().to_bytes();
    fields.insert("farmer_public_key".into(), json!(hex::encode(farmer)));
    let local_pk = memo.local_sk().public_key().to_bytes();
    fields.insert("local_public_key".into(), json!(hex::encode(local_pk)));
    let plot_pk = memo.plot_public_key().to_bytes();
    fields.insert("plot_public_key".into(), json!(hex::encode(plot_pk)));
    fields.insert(
        "plot_id_from_memo".into(),
        json!(hex::encode(memo.plot_id())),
    );
    Value::Object(fields)
}

fn show(path: &Path, as_json: bool) -> CmdResult {
    let plot = open(path)?;
    let header = plot.header();
    let names = ["P1", "P2", "P3", "P4", "P5", "P6", "P7", "C1", "C2", "C3"];
    let pointers: serde_json::Map<String, Value> = names
        .iter()
        .zip(header.table_pointers)
        .map(|(name, pointer)| ((*name).to_string(), json!(pointer)))
        .collect();
    let info = json!({
        "path": path.display().to_string(),
        "format": match header.version {
            HeaderVersion::V1 => "v1",
            _ => "v2 (uncompressed)",
        },
        "k": header.k,
        "plot_id": hex::encode(header.plot_id),
        "memo": memo_fields(plot.memo()),
        "memo_length": header.memo.len(),
        "header_length": header.header_len,
        "file_size": sickle_pos::ReadAt::size(plot.reader()),
        "table_pointers": pointers,
    });
    if as_json {
        println!("{info}");
        return Ok(());
    }
    println!("plot:        {}", path.display());
    println!("format:      {}", info["format"].as_str().unwrap_or(""));
    println!("k:           {}", header.k);
    println!("plot id:     {}", hex::encode(header.plot_id));
    if let Some(fields) = info["memo"].as_object() {
        for (name, value) in fields {
            println!(
                "{:<12} {}",
                format!("{}:", name.replace('_', " ")),
                value.as_str().unwrap_or("")
            );
        }
    }
    println!("memo length: {}", header.memo.len());
    println!("file size:   {}", info["file_size"]);
    for (name, pointer) in names.iter().zip(header.table_pointers) {
        println!("table {name}:   {pointer}");
    }
    Ok(())
}

fn parse_challenge(text: &str) -> Result<[u8; 32], PlotsError> {
    let bad = || PlotsError::BadChallenge {
        value: text.to_string(),
    };
    let bytes = hex::decode(text.trim().trim_start_matches("0x")).map_err(|_| bad())?;
    bytes.try_into().map_err(|_| bad())
}

fn read_challenges(args: &ProveArgs) -> Result<Vec<[u8; 32]>, PlotsError> {
    let mut out = Vec::new();
    if let Some(path) = &args.challenges_file {
        let text = std::fs::read_to_string(path).map_err(|source| PlotsError::Io {
            path: path.display().to_string(),
            source,
        })?;
        for line in text.lines().map(str::trim) {
            if !line.is_empty() && !line.starts_with('#') {
                out.push(parse_challenge(line)?);
            }
        }
    }
    for text in &args.challenges {
        out.push(parse_challenge(text)?);
    }
    if out.is_empty() {
        return Err(PlotsError::NoChallenges);
    }
    Ok(out)
}

fn prove(args: &ProveArgs) -> CmdResult {
    let challenges = read_challenges(args)?;
    let plot = open(&args.plot)?;
    let to_err = plot_error(&args.plot);
    for challenge in &challenges {
        let qualities = plot.qualities_for_challenge(challenge).map_err(&to_err)?;
        let proofs = (0..qualities.len())
            .map(|index| plot.full_proof(challenge, index).map(hex::encode))
            .collect::<Result<Vec<_>, _>>()
            .map_err(&to_err)?;
        let qualities: Vec<String> = qualities.iter().map(hex::encode).collect();
        if args.json {
            let line = json!({
                "challenge": hex::encode(challenge),
                "qualities": qualities,
                "proofs": proofs,
            });
            println!("{line}");
        } else {
            println!(
                "challenge {}: {} proofs",
                hex::encode(challenge),
                qualities.len()
            );
            for (quality, proof) in qualities.iter().zip(&proofs) {
                println!("  quality {quality}");
                println!("  proof   {proof}");
            }
        }
    }
    Ok(())
}

/// The `*.plot` files named by `paths` (directories are listed, not recursed), sorted.
fn plot_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, PlotsError> {
    let mut out = Vec::new();
    for path in paths {
        if path.is_dir() {
            let entries = std::fs::read_dir(path).map_err(|source| PlotsError::Io {
                path: path.display().to_string(),
                source,
            })?;
            let mut found: Vec<PathBuf> = entries
                .filter_map(|entry| entry.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|ext| ext == "plot"))
                .collect();
            found.sort();
            out.extend(found);
        } else {
            out.push(path.clone());
        }
    }
    Ok(out)
}

/// chia's check challenges: `sha256(i as 32-byte big-endian)` for i in 0..n.
fn check_challenges(n: u32) -> Vec<[u8; 32]> {
    use sha2::{Digest, Sha256};
    (0..n)
        .map(|i| {
            let mut bytes = [0u8; 32];
            bytes[28..].copy_from_slice(&i.to_be_bytes());
            Sha256::digest(bytes).into()
        })
        .collect()
}

/// The result of checking one plot.
struct Verdict {
    proofs: usize,
    invalid: usize,
    error: Option<String>,
}

impl Verdict {
    fn ok(&self) -> bool {
        self.error.is_none() && self.invalid == 0 && self.proofs > 0
    }

    fn reason(&self) -> Option<String> {
        if let Some(error) = &self.error {
            Some(error.clone())
        } else if self.invalid > 0 {
            Some(format!("{} proofs failed verification", self.invalid))
        } else if self.proofs == 0 {
            Some("no proofs found".to_string())
        } else {
            None
        }
    }
}

fn check_one(path: &Path, challenges: &[[u8; 32]]) -> (Option<u8>, Verdict) {
    let mut verdict = Verdict {
        proofs: 0,
        invalid: 0,
        error: None,
    };
    let plot = match open(path) {
        Ok(plot) => plot,
        Err(err) => {
            verdict.error = Some(err.to_string());
            return (None, verdict);
        }
    };
    let (k, plot_id) = (plot.k(), *plot.plot_id());
    for challenge in challenges {
        let qualities = match plot.qualities_for_challenge(challenge) {
            Ok(q) => q,
            Err(err) => {
                verdict.error = Some(format!("quality lookup: {err}"));
                break;
            }
        };
        for (index, quality) in qualities.iter().enumerate() {
            match plot.full_proof(challenge, index) {
                Ok(proof) => {
                    let verified = sickle_pos::validate_proof(&plot_id, k, challenge, &proof);
                    if verified.as_ref() == Some(quality) {
                        verdict.proofs += 1;
                    } else {
                        verdict.invalid += 1;
                    }
                }
                Err(err) => {
                    verdict.error = Some(format!("full proof: {err}"));
                    break;
                }
            }
        }
        if verdict.error.is_some() {
            break;
        }
    }
    (Some(k), verdict)
}

fn check(paths: &[PathBuf], num: u32, as_json: bool) -> CmdResult {
    let num = num.max(5);
    let challenges = check_challenges(num);
    let files = plot_files(paths)?;
    let progress = std::io::stderr().is_terminal();
    let mut failed = 0;
    for (i, path) in files.iter().enumerate() {
        if progress {
            eprint!("\rchecking {}/{}: {}", i + 1, files.len(), path.display());
        }
        let (k, verdict) = check_one(path, &challenges);
        if progress {
            eprintln!();
        }
        failed += usize::from(!verdict.ok());
        let ratio = verdict.proofs as f64 / f64::from(num);
        if as_json {
            let line = json!({
                "path": path.display().to_string(),
                "k": k,
                "challenges": num,
                "proofs": verdict.proofs,
                "expected": num,
                "ratio": (ratio * 10_000.0).round() / 10_000.0,
                "invalid": verdict.invalid,
                "ok": verdict.ok(),
                "reason": verdict.reason(),
            });
            println!("{line}");
        } else {
            let status = if verdict.ok() { "ok" } else { "FAILED" };
            let k = k.map_or_else(|| "?".to_string(), |k| k.to_string());
            print!(
                "{}: k={k} proofs {} / {num}, {ratio:.4} ({status})",
                path.display(),
                verdict.proofs
            );
            match verdict.reason() {
                Some(reason) => println!(": {reason}"),
                None => println!(),
            }
        }
    }
    if failed > 0 {
        return Err(PlotsError::CheckFailed {
            failed,
            total: files.len(),
        }
        .into());
    }
    Ok(())
}
