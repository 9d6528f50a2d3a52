//! Sickle's codec against chia_rs 0.48 on the same bytes, in the same run.
//!
//! Each criterion group is one operation with two functions, `sickle` and `chia_rs`;
//! `cargo xtask bench` prints `chia_rs / sickle` per group (above 1.0: Sickle is faster).
//! The Sickle side uses local mirror structs with the derive, encoding exactly what chia_rs'
//! types encode (checked before timing).
#![allow(missing_docs, clippy::unwrap_used)] // criterion's macros generate undocumented items

use chia_bls::PublicKey;
use chia_traits::Streamable as ChiaStreamable;
use criterion::{Criterion, black_box, criterion_group, criterion_main};
use sickle_streamable::Streamable;

mod common;
use common::{Handshake, ProofOfSpace, handshake, key, proof_of_space};

/// Times decode, encode and hash of `ours` and of chia_rs' `C` on the same bytes.
fn compare<T, C>(c: &mut Criterion, name: &str, ours: &T)
where
    T: Streamable + PartialEq + std::fmt::Debug,
    C: ChiaStreamable,
{
    let bytes = ours.to_bytes();
    let theirs = C::from_bytes(&bytes).unwrap();
    assert_eq!(
        theirs.to_bytes().unwrap(),
        bytes,
        "{name}: chia_rs encodes differently"
    );
    assert_eq!(ours.hash().0, theirs.hash(), "{name}: hashes differ");

    let mut group = c.benchmark_group(format!("{name}_decode"));
    group.bench_function("sickle", |b| {
        b.iter(|| T::from_bytes(black_box(&bytes)).unwrap())
    });
    group.bench_function("chia_rs", |b| {
        b.iter(|| C::from_bytes(black_box(&bytes)).unwrap())
    });
    group.finish();

    let mut group = c.benchmark_group(format!("{name}_decode_trusted"));
    group.bench_function("sickle", |b| {
        b.iter(|| T::from_bytes_unchecked(black_box(&bytes)).unwrap())
    });
    group.bench_function("chia_rs", |b| {
        b.iter(|| C::from_bytes_unchecked(black_box(&bytes)).unwrap())
    });
    group.finish();

    let mut group = c.benchmark_group(format!("{name}_encode"));
    group.bench_function("sickle", |b| b.iter(|| black_box(ours).to_bytes()));
    group.bench_function("chia_rs", |b| {
        b.iter(|| black_box(&theirs).to_bytes().unwrap())
    });
    group.finish();

    let mut group = c.benchmark_group(format!("{name}_hash"));
    group.bench_function("sickle", |b| b.iter(|| black_box(ours).hash()));
    group.bench_function("chia_rs", |b| b.iter(|| black_box(&theirs).hash()));
    group.finish();
}

fn codec(c: &mut Criterion) {
    compare::<ProofOfSpace, chia_protocol::ProofOfSpace>(c, "proof_of_space", &proof_of_space());
    compare::<Handshake, chia_protocol::Handshake>(c, "handshake", &handshake());
    let keys: Vec<PublicKey> = (0..100).map(key).collect();
    compare::<Vec<PublicKey>, Vec<PublicKey>>(c, "public_keys_100", &keys);
}

criterion_group!(benches, codec);
criterion_main!(benches);
