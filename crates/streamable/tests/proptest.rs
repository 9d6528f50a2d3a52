//! Property tests: for every implemented type, what we encode decodes to the same value, hashes
//! to SHA-256 of the bytes, and fails one byte short or one byte long.
#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

use chia_bls::{PublicKey, SecretKey, Signature};
use proptest::prelude::*;
use sickle_streamable::sha2::{Digest, Sha256};
use sickle_streamable::{
    Bytes, Bytes4, Bytes32, Bytes100, Bytes480, BytesN, Cursor, Error, Streamable,
};

#[derive(Streamable, Debug, Clone, PartialEq, Eq)]
struct Plot {
    filename: String,
    size: u8,
    plot_id: Bytes32,
    pool_public_key: Option<PublicKey>,
    pool_contract_puzzle_hash: Option<Bytes32>,
    file_size: u64,
    flags: (bool, i16),
}

#[derive(Streamable, Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
enum Kind {
    A = 0,
    B = 7,
    C = 255,
}

fn check<T: Streamable + std::fmt::Debug + PartialEq>(value: &T) {
    let bytes = value.to_bytes();
    assert!(bytes.len() >= T::MIN_SIZE);
    assert_eq!(&T::from_bytes(&bytes).unwrap(), value);
    assert_eq!(&T::from_bytes_unchecked(&bytes).unwrap(), value);
    assert_eq!(value.hash().0, <[u8; 32]>::from(Sha256::digest(&bytes)));
    let mut longer = bytes.clone();
    longer.push(0);
    assert!(matches!(
        T::from_bytes(&longer),
        Err(Error::TrailingBytes { trailing: 1, .. })
    ));
    let mut cursor = Cursor::new(&longer);
    assert_eq!(&T::parse::<false>(&mut cursor).unwrap(), value);
    assert_eq!(cursor.remaining(), 1);
    if let Some((_, shorter)) = bytes.split_last() {
        assert!(T::from_bytes(shorter).is_err());
    }
}

fn public_key() -> impl Strategy<Value = PublicKey> {
    prop_oneof![
        1 => Just(PublicKey::default()),
        4 => any::<[u8; 32]>().prop_map(|seed| SecretKey::from_seed(&seed).public_key()),
    ]
}

fn signature() -> impl Strategy<Value = Signature> {
    prop_oneof![
        1 => Just(Signature::default()),
        4 => (any::<[u8; 32]>(), any::<Vec<u8>>())
            .prop_map(|(seed, msg)| chia_bls::sign(&SecretKey::from_seed(&seed), msg)),
    ]
}

fn plot() -> impl Strategy<Value = Plot> {
    (
        ".*",
        any::<u8>(),
        any::<[u8; 32]>(),
        proptest::option::of(public_key()),
        proptest::option::of(any::<[u8; 32]>()),
        any::<u64>(),
        any::<(bool, i16)>(),
    )
        .prop_map(
            |(filename, size, id, pool_pk, contract, file_size, flags)| Plot {
                filename,
                size,
                plot_id: Bytes32::new(id),
                pool_public_key: pool_pk,
                pool_contract_puzzle_hash: contract.map(Bytes32::new),
                file_size,
                flags,
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn integers(a: u8, b: u16, c: u32, d: u64, e: u128, f: i8, g: i16, h: i32, i: i64) {
        check(&a); check(&b); check(&c); check(&d); check(&e);
        check(&f); check(&g); check(&h); check(&i);
        prop_assert_eq!(d.to_bytes(), d.to_be_bytes().to_vec());
        prop_assert_eq!(i.to_bytes(), i.to_be_bytes().to_vec());
    }

    #[test]
    fn bool_and_strings(b: bool, s in "\\PC*") {
        check(&b);
        check(&s);
        prop_assert_eq!(s.to_bytes().len(), 4 + s.len());
    }

    #[test]
    fn byte_strings(v in proptest::collection::vec(any::<u8>(), 0..600), a: [u8; 4], z: [u8; 32]) {
        check(&Bytes::from(v.clone()));
        check(&Bytes4::new(a));
        check(&Bytes32::new(z));
        let mut big = [0u8; 480];
        for (slot, byte) in big.iter_mut().zip(v.iter().cycle()) { *slot = *byte; }
        check(&Bytes480::new(big));
        check(&Bytes100::new([v.len() as u8; 100]));
        check(&BytesN::<0>::new([]));
    }

    #[test]
    fn containers(
        list in proptest::collection::vec(any::<Option<u32>>(), 0..50),
        nested in proptest::collection::vec(proptest::collection::vec(any::<(u16, bool)>(), 0..5), 0..5),
        opt: Option<Option<String>>,
        quad: (u8, String, Option<i64>, [u16; 3]),
        arr: [i32; 4],
    ) {
        check(&list);
        check(&nested);
        check(&opt);
        check(&quad);
        check(&arr);
        check(&(quad.0,));
        check(&(quad.0, quad.1.clone(), arr));
        check(&());
    }

    #[test]
    fn bls_points(pk in public_key(), sig in signature(), pks in proptest::collection::vec(public_key(), 0..4)) {
        check(&pk);
        check(&sig);
        check(&pks);
        check(&(Bytes32::default(), sig));
    }

    #[test]
    fn derived(plot in plot(), kind in prop_oneof![Just(Kind::A), Just(Kind::B), Just(Kind::C)]) {
        check(&plot);
        check(&kind);
        check(&vec![plot.clone(), plot]);
    }

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        // Whatever decodes must re-encode to the bytes it came from (canonical encoding).
        if let Ok(plot) = Plot::from_bytes(&bytes) { prop_assert_eq!(plot.to_bytes(), bytes.clone()); }
        if let Ok(list) = Vec::<Option<String>>::from_bytes(&bytes) { prop_assert_eq!(list.to_bytes(), bytes.clone()); }
        if let Ok(kind) = Kind::from_bytes(&bytes) { prop_assert_eq!(kind.to_bytes(), bytes.clone()); }
    }
}

#[cfg(feature = "serde")]
mod json_props {
    use super::*;
    use sickle_streamable::json::{FromJsonDict, ToJsonDict};

    fn json_check<T: Streamable + ToJsonDict + FromJsonDict>(value: &T) {
        let back = T::from_json_dict(&value.to_json_dict()).unwrap();
        assert_eq!(back.to_bytes(), value.to_bytes());
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        #[test]
        fn json_round_trips(
            plot in plot(),
            sig in signature(),
            ints: (u64, i64, u128, i8),
            strings in proptest::collection::vec("\\PC*", 0..4),
            bytes in proptest::collection::vec(any::<u8>(), 0..64),
        ) {
            json_check(&plot);
            json_check(&sig);
            json_check(&ints);
            json_check(&strings);
            json_check(&Bytes::from(bytes));
            json_check(&Some(Kind::B));
        }
    }
}

#[test]
fn forged_list_count_fails_before_allocating() {
    // u32::MAX elements announced, 4 bytes left: must fail at once with what was needed.
    let input = [0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0];
    assert_eq!(
        Vec::<u8>::from_bytes(&input),
        Err(Error::EndOfBuffer {
            type_name: "list",
            offset: 4,
            needed: 0xffff_ffff,
            remaining: 4
        })
    );
    assert!(matches!(
        Vec::<u64>::from_bytes(&input),
        Err(Error::EndOfBuffer { needed, .. }) if needed == 0xffff_ffff * 8
    ));
    assert!(Vec::<Vec<String>>::from_bytes(&input).is_err());
    assert!(Vec::<PublicKey>::from_bytes(&input).is_err());
    assert!(Vec::<Plot>::from_bytes(&input).is_err());
    // A byte-string length larger than the rest fails the same way.
    assert!(matches!(
        Bytes::from_bytes(&input),
        Err(Error::EndOfBuffer {
            type_name: "bytes",
            needed: 0xffff_ffff,
            ..
        })
    ));
    assert!(matches!(
        String::from_bytes(&input),
        Err(Error::EndOfBuffer {
            type_name: "str",
            ..
        })
    ));
}

#[test]
fn min_size_of_derived_struct_is_sum_of_fields() {
    assert_eq!(
        <Plot as Streamable>::MIN_SIZE,
        4 + 1 + 32 + 1 + 1 + 8 + 1 + 2
    );
    assert_eq!(<Kind as Streamable>::MIN_SIZE, 1);
    assert_eq!(<[PublicKey; 2] as Streamable>::MIN_SIZE, 96);
}

#[test]
fn cursor_take_reports_shortfall_without_consuming() {
    let data = [1u8, 2, 3];
    let mut cursor = Cursor::new(&data);
    assert_eq!(cursor.take(2, "x").unwrap(), &[1, 2]);
    assert_eq!(
        cursor.take(2, "y"),
        Err(Error::EndOfBuffer {
            type_name: "y",
            offset: 2,
            needed: 2,
            remaining: 1
        })
    );
    assert_eq!(cursor.position(), 2);
    assert_eq!(cursor.remaining(), 1);
    assert_eq!(
        cursor.take(usize::MAX, "z").map(|_| ()),
        Err(Error::EndOfBuffer {
            type_name: "z",
            offset: 2,
            needed: usize::MAX,
            remaining: 1
        })
    );
}
