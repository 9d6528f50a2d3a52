//! Certificates the way chia makes them (chia-blockchain: chia/ssl/create_ssl.py).
//!
//! A farm has one private CA; every node certificate it signs is accepted by every other node of the
//! farm, whatever node it was made for. Both kinds are RSA-2048 with SHA-256 signatures:
//!
//! | | CA (`make_ca_cert`) | node (`generate_ca_signed_cert`) |
//! |---|---|---|
//! | subject | `O=Chia, CN=Chia CA, OU=Organic Farming Division` | `CN=Chia, O=Chia, OU=Organic Farming Division` |
//! | issuer | itself | the CA's subject |
//! | validity | now … now + 3650 days | now − 1 day … 2100-08-02 00:00 UTC |
//! | extensions | BasicConstraints `CA:TRUE`, critical | SAN `DNS:chia.net` |
//! | serial | random, ≤ 159 bits | random, ≤ 159 bits |
//!
//! Keys are written as unencrypted PKCS#8 PEM with mode 0600, certificates with mode 0644.

use crate::error::CertError;
use rcgen::{
    CertificateParams, CustomExtension, DistinguishedName, DnType, IsCa, KeyPair, PKCS_RSA_SHA256,
    SanType, SerialNumber,
};
use rsa::RsaPrivateKey;
use rsa::pkcs8::EncodePrivateKey;
use rsa::rand_core::{OsRng, RngCore};
use std::path::{Path, PathBuf};

use std::time::{Duration, SystemTime};

/// RSA modulus size chia uses for every key.
const RSA_BITS: usize = 2048;
/// CA validity: chia's `make_ca_cert` uses 3650 days from now.
const CA_VALIDITY: Duration = Duration::from_secs(3650 * 86_400);
/// BasicConstraints OID (2.5.29.19).
const BASIC_CONSTRAINTS_OID: &[u64] = &[2, 5, 29, 19];
/// DER of `BasicConstraints { cA: TRUE }` with no path length.
const BASIC_CONSTRAINTS_CA: &[u8] = &[0x30, 0x03, 0x01, 0x01, 0xff];

/// The node names whose private certificates `chia init` creates under `config/ssl/<node>/`.
pub const PRIVATE_NODE_NAMES: &[&str] = &[
    "full_node",
    "wallet",
    "farmer",
    "harvester",
    "timelord",
    "crawler",
    "data_layer",
    "daemon",
    "solver",
];

/// A PEM certificate with its PEM private key.
#[derive(Clone)]
pub struct CertKeyPem {
    /// The certificate, `-----BEGIN CERTIFICATE-----`.
    pub cert_pem: String,
    /// The unencrypted PKCS#8 private key, `-----BEGIN PRIVATE KEY-----`.
    pub key_pem: String,
}

impl std::fmt::Debug for CertKeyPem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CertKeyPem")
            .field("cert_pem", &self.cert_pem)
            .field("key_pem", &"<redacted>")
            .finish()
    }
}

/// Generates a fresh RSA-2048 key as an rcgen key pair that signs with sha256WithRSAEncryption.
fn generate_rsa_key() -> Result<KeyPair, CertError> {
    let key = RsaPrivateKey::new(&mut OsRng, RSA_BITS).map_err(CertError::RsaGenerate)?;
    let der = key.to_pkcs8_der().map_err(CertError::Pkcs8)?;
    let pkcs8 = rustls::pki_types::PrivatePkcs8KeyDer::from(der.as_bytes());
    KeyPair::from_pkcs8_der_and_sign_algo(&pkcs8, &PKCS_RSA_SHA256).map_err(CertError::Rcgen)
}

/// A positive random serial of at most 159 bits, like cryptography's `random_serial_number`.
fn random_serial() -> SerialNumber {
    let mut bytes = [0u8; 20];
    OsRng.fill_bytes(&mut bytes);
    bytes[0] &= 0x7f;
    if bytes[0] == 0 {
        bytes[0] = 0x01;
    }
    SerialNumber::from_slice(&bytes)
}

fn chia_name(entries: &[(DnType, &str)]) -> DistinguishedName {
    let mut name = DistinguishedName::new();
    for (kind, value) in entries {
        name.push(kind.clone(), *value);
    }
    name
}

/// Creates a new private CA as `chia init` does.
pub fn generate_ca() -> Result<CertKeyPem, CertError> {
    let key = generate_rsa_key()?;
    let mut params = CertificateParams::default();
    params.distinguished_name = chia_name(&[
        (DnType::OrganizationName, "Chia"),
        (DnType::CommonName, "Chia CA"),
        (DnType::OrganizationalUnitName, "Organic Farming Division"),
    ]);
    params.serial_number = Some(random_serial());
    let now = SystemTime::now();
    params.not_before = now.into();
    params.not_after = (now + CA_VALIDITY).into();
    // rcgen's own CA mode also writes a subject key identifier, which chia's CA lacks: write the
    // one critical BasicConstraints extension by hand instead.
    params.is_ca = IsCa::NoCa;
    let mut basic =
        CustomExtension::from_oid_content(BASIC_CONSTRAINTS_OID, BASIC_CONSTRAINTS_CA.to_vec());
    basic.set_criticality(true);
    params.custom_extensions.push(basic);
    let cert = params.self_signed(&key).map_err(CertError::Rcgen)?;
    Ok(CertKeyPem {
        cert_pem: cert.pem(),
        key_pem: key.serialize_pem(),
    })
}

/// Signs a fresh node certificate with the given CA (PEM certificate and PKCS#8 or PKCS#1 key).
pub fn generate_node_cert(ca: &CertKeyPem) -> Result<CertKeyPem, CertError> {
    let ca_key = load_rsa_key_pair(&ca.key_pem)?;
    let issuer_params =
        CertificateParams::from_ca_cert_pem(&ca.cert_pem).map_err(CertError::Rcgen)?;
    // rcgen needs the issuer as a `Certificate`; only its name and key are used when signing.
    let issuer = issuer_params
        .self_signed(&ca_key)
        .map_err(CertError::Rcgen)?;

    let key = generate_rsa_key()?;
    let mut params = CertificateParams::default();
    params.distinguished_name = chia_name(&[
        (DnType::CommonName, "Chia"),
        (DnType::OrganizationName, "Chia"),
        (DnType::OrganizationalUnitName, "Organic Farming Division"),
    ]);
    params.serial_number = Some(random_serial());
    // chia: `datetime.today() - one_day`, a naive local time read as UTC; we use UTC now.
    params.not_before = (SystemTime::now() - Duration::from_secs(86_400)).into();
    params.not_after = rcgen::date_time_ymd(2100, 8, 2);
    params.subject_alt_names = vec![SanType::DnsName(
        "chia.net".try_into().map_err(CertError::Rcgen)?,
    )];
    params.is_ca = IsCa::NoCa;
    let cert = params
        .signed_by(&key, &issuer, &ca_key)
        .map_err(CertError::Rcgen)?;
    Ok(CertKeyPem {
        cert_pem: cert.pem(),
        key_pem: key.serialize_pem(),
    })
}

/// Parses an RSA private key in PEM (PKCS#8 `PRIVATE KEY` or PKCS#1 `RSA PRIVATE KEY`) for signing.
fn load_rsa_key_pair(key_pem: &str) -> Result<KeyPair, CertError> {
    let mut reader = key_pem.as_bytes();
    let key = rustls_pemfile::private_key(&mut reader)
        .map_err(|source| CertError::Pem {
            what: "ca private key",
            source,
        })?
        .ok_or(CertError::NoKey)?;
    let pkcs8 = match key {
        rustls::pki_types::PrivateKeyDer::Pkcs8(der) => der.secret_pkcs8_der().to_vec(),
        rustls::pki_types::PrivateKeyDer::Pkcs1(der) => {
            use rsa::pkcs1::DecodeRsaPrivateKey;
            let rsa_key =
                RsaPrivateKey::from_pkcs1_der(der.secret_pkcs1_der()).map_err(CertError::Pkcs1)?;
            rsa_key
                .to_pkcs8_der()
                .map_err(CertError::Pkcs8)?
                .as_bytes()
                .to_vec()
        }
        _ => return Err(CertError::NotRsa),
    };
    let pkcs8 = rustls::pki_types::PrivatePkcs8KeyDer::from(pkcs8);
    KeyPair::from_pkcs8_der_and_sign_algo(&pkcs8, &PKCS_RSA_SHA256).map_err(CertError::Rcgen)
}

/// Where a chia root keeps its private CA: `<root>/config/ssl/ca/`.
pub fn ca_dir(root: &Path) -> PathBuf {
    root.join("config").join("ssl").join("ca")
}

/// Where a chia root keeps a node's private pair: `<root>/config/ssl/<node>/private_<node>.{crt,key}`.
pub fn private_node_paths(root: &Path, node: &str) -> (PathBuf, PathBuf) {
    let dir = root.join("config").join("ssl").join(node);
    (
        dir.join(format!("private_{node}.crt")),
        dir.join(format!("private_{node}.key")),
    )
}

/// Reads `private_ca.crt` and `private_ca.key` from a CA directory.
pub fn read_ca(dir: &Path) -> Result<CertKeyPem, CertError> {
    Ok(CertKeyPem {
        cert_pem: read_text(&dir.join("private_ca.crt"))?,
        key_pem: read_text(&dir.join("private_ca.key"))?,
    })
}

/// Reads a PEM file as text, with the path in the error.
pub fn read_text(path: &Path) -> Result<String, CertError> {
    std::fs::read_to_string(path).map_err(|source| CertError::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// What [`init_root`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InitReport {
    /// Whether a new CA was generated (false when an existing one was used).
    pub created_ca: bool,
    /// The node names whose private certificate and key were written.
    pub nodes: Vec<String>,
}

/// Creates the private CA and node certificates under `<root>/config/ssl`, like `chia init`
/// (`chia init -c <ca_dir>` when `ca_source` names an existing CA directory: its
/// `private_ca.crt/.key` are copied into the root and sign the node certificates).
///
/// An existing CA in the root is kept and reused; existing node pairs are replaced, as chia does
/// when it regenerates certificates for a new CA.
pub fn init_root(
    root: &Path,
    ca_source: Option<&Path>,
    nodes: &[&str],
) -> Result<InitReport, CertError> {
    let dir = ca_dir(root);
    let (ca, created_ca) = match ca_source {
        Some(source) => (read_ca(source)?, false),
        None if dir.join("private_ca.crt").exists() => (read_ca(&dir)?, false),
        None => (generate_ca()?, true),
    };
    write_pair(
        &dir.join("private_ca.crt"),
        &dir.join("private_ca.key"),
        &ca,
    )?;
    let mut written = Vec::with_capacity(nodes.len());
    for node in nodes {
        let pair = generate_node_cert(&ca)?;
        let (crt, key) = private_node_paths(root, node);
        write_pair(&crt, &key, &pair)?;
        written.push((*node).to_string());
    }
    Ok(InitReport {
        created_ca,
        nodes: written,
    })
}

/// Writes a certificate (mode 0644) and key (mode 0600), creating the directory.
pub fn write_pair(crt: &Path, key: &Path, pair: &CertKeyPem) -> Result<(), CertError> {
    for path in [crt, key] {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|source| CertError::Io {
                path: parent.to_path_buf(),
                source,
            })?;
        }
    }
    write_with_mode(crt, pair.cert_pem.as_bytes(), 0o644)?;
    write_with_mode(key, pair.key_pem.as_bytes(), 0o600)
}

fn write_with_mode(path: &Path, contents: &[u8], mode: u32) -> Result<(), CertError> {
    use std::io::Write;
    let io_err = |source| CertError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(mode);
    }
    #[cfg(not(unix))]
    let _ = mode;
    let mut file = options.open(path).map_err(io_err)?;
    file.write_all(contents).map_err(io_err)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).map_err(io_err)?;
    }
    Ok(())
}
