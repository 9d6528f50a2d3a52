//! `cargo xtask …`: Sickle's generators, interop and benchmark runners.
//!
//! Everything that needs the Python references (chia-blockchain 2.7.5, chiapos 2.0.12) lives here, so
//! the library crates and `cargo test --workspace` never need Python. Each generator is a Python script
//! under `xtask/py/`, run inside a venv that this tool creates (see [`venv`]).

mod bench;
mod bench_harvester;
mod cargo;
mod farmer;
mod fuzz;
mod harvester_scale;
mod interop;
mod pos;
mod venv;

use anyhow::Result;
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "cargo xtask", about = "Sickle's generators and runners")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Regenerate the Streamable and protocol vectors in crates/vectors/data with chia-blockchain 2.7.5.
    GenVectors,
    /// Print the path of the reference venv's python, creating the venv if needed.
    Venv,
    /// Farm with the real chia 2.7.5 services: sickle-harvester for a chia farmer, chia harvesters for sickle-farmer.
    Interop,
    /// Run every cargo-fuzz target in fuzz/ (needs `cargo install cargo-fuzz`).
    Fuzz {
        /// Seconds per target.
        #[arg(long, default_value_t = 30)]
        seconds: u64,
        /// Run only this target.
        #[arg(long)]
        target: Option<String>,
    },
    /// Benchmark the Streamable codec against chia_rs and print the speed ratios.
    Bench {
        /// Shorter warm-up and measurement (noisier).
        #[arg(long)]
        quick: bool,
    },
    /// Make the k=18 fixture plots and chiapos vectors (crates/vectors/data/{plots,pos}).
    GenPlots {
        /// Instead, make plots of these sizes (e.g. 20,22) and their vectors in target/pos-plots.
        #[arg(long)]
        k: Option<String>,
    },
    /// Benchmark the farmer: N loopback harvesters, SP fan-out p50/p99, proofs verified per second.
    BenchFarmer {
        /// Harvester counts, comma-separated.
        #[arg(long, default_value = "100,1000")]
        harvesters: String,
        /// Signage points per run.
        #[arg(long, default_value_t = 20)]
        sps: usize,
    },
    /// Signage point latency of chia's harvester and Sickle's on the same plots, then the plot
    /// manager at scale (what bench-harvester-scale measures).
    BenchHarvester {
        /// Plot counts, comma-separated (copies of one k-sized plot, cached in
        /// target/bench-harvester).
        #[arg(long, default_value = "1,100,1000")]
        plots: String,
        /// Plot size: 18 copies the fixture; larger sizes copy a plot `gen-plots --k` makes
        /// (1.4 GB per copy at k=26).
        #[arg(long, default_value_t = 18)]
        k: u32,
        /// Measured signage points per harvester and plot count.
        #[arg(long, default_value_t = 20)]
        sps: usize,
        /// Seed of the signage points.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Sparse plots for the scale measurement afterwards (0: skip it).
        #[arg(long, default_value_t = 100_000)]
        scale: usize,
    },
    /// Benchmark Sickle's prover (release) against chiapos on the same plots and challenges.
    BenchPos {
        /// Plot sizes (18 = the fixture; others are made in target/pos-plots if missing).
        #[arg(long, default_value = "18")]
        k: String,
        /// Random challenges per plot.
        #[arg(short = 'n', long, default_value_t = 2000)]
        challenges: usize,
        /// Full proofs timed per plot.
        #[arg(long, default_value_t = 500)]
        proofs: usize,
    },
    /// Plot manager at scale: N sparse plots, full rescan vs restart from the header cache, RSS.
    BenchHarvesterScale {
        /// Plot files to make.
        #[arg(long, default_value_t = 100_000)]
        plots: usize,
        /// Keep the plot files in target/harvester-scale (and reuse them next time).
        #[arg(long)]
        keep: bool,
    },
}

fn main() -> Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::GenVectors => {
            let python = venv::ensure()?;
            for script in [
                "gen_streamable.py",
                "gen_protocol.py",
                "gen_pos_verify.py",
                "gen_consensus.py",
            ] {
                venv::run_script(&python, script, &[])?;
            }
            Ok(())
        }
        Command::GenPlots { k } => pos::gen_plots(k.as_deref()),
        Command::BenchPos {
            k,
            challenges,
            proofs,
        } => pos::bench_pos(&k, challenges, proofs),
        Command::BenchFarmer { harvesters, sps } => farmer::bench(&harvesters, sps),
        Command::BenchHarvester {
            plots,
            k,
            sps,
            seed,
            scale,
        } => {
            bench_harvester::run(&plots, k, sps, seed)?;
            match scale {
                0 => Ok(()),
                count => harvester_scale::run(count),
            }
        }
        Command::BenchHarvesterScale { plots, keep } => harvester_scale::run_with(plots, keep),
        Command::Interop => interop::run(),
        Command::Fuzz { seconds, target } => fuzz::run(seconds, target.as_deref()),
        Command::Bench { quick } => bench::run(quick),
        Command::Venv => {
            println!("{}", venv::ensure()?.display());
            Ok(())
        }
    }
}
