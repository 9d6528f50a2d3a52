//! Mutual TLS against the farm's private CA, as chia's `ssl_context_for_server/client` set it up.
//!
//! Both sides present a certificate and check only that the peer's chains to the one CA: no host
//! name, SAN or node-type check (chia-generated certificates all say `DNS:chia.net`). The server
//! speaks TLS 1.3 only and refuses a client without a certificate; the client offers 1.3 only too,
//! since every chia server demands it.

use crate::certs::read_text;
use crate::error::CertError;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::server::WebPkiClientVerifier;
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, ServerConfig, SignatureScheme};
use sha2::{Digest, Sha256};
use std::path::Path;
use std::sync::Arc;

/// A peer's identity: SHA-256 of its DER leaf certificate (chia's `calculate_node_id`).
pub fn node_id(cert_der: &[u8]) -> [u8; 32] {
    Sha256::digest(cert_der).into()
}

/// Checks that `cert_pem`'s first certificate chains to the CA in `ca_cert_pem`, the way a chia
/// peer checks it (signature and validity only; no name or usage checks).
pub fn verify_cert_chain(ca_cert_pem: &str, cert_pem: &str) -> Result<(), CertError> {
    let mut roots = RootCertStore::empty();
    for ca in parse_certs(ca_cert_pem, "ca certificate")? {
        roots
            .add(ca)
            .map_err(|err| CertError::TrustAnchor(err.to_string()))?;
    }
    let chain = parse_certs(cert_pem, "node certificate")?;
    let (leaf, intermediates) = chain.split_first().ok_or(CertError::NoCertificate {
        what: "node certificate",
    })?;
    let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider())
        .build()
        .map_err(|err| CertError::TrustAnchor(err.to_string()))?;
    verifier.verify_client_cert(leaf, intermediates, UnixTime::now())?;
    Ok(())
}

/// The TLS settings of one node: its certificate and key, and the CA its peers must chain to.
#[derive(Clone)]
pub struct TlsSetup {
    server: Arc<ServerConfig>,
    client: Arc<ClientConfig>,
    own_node_id: [u8; 32],
}

impl std::fmt::Debug for TlsSetup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsSetup")
            .field("own_node_id", &self.own_node_id)
            .finish_non_exhaustive()
    }
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

fn parse_certs(pem: &str, what: &'static str) -> Result<Vec<CertificateDer<'static>>, CertError> {
    let mut reader = pem.as_bytes();
    let certs = rustls_pemfile::certs(&mut reader)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|source| CertError::Pem { what, source })?;
    if certs.is_empty() {
        return Err(CertError::NoCertificate { what });
    }
    Ok(certs)
}

fn parse_key(pem: &str) -> Result<PrivateKeyDer<'static>, CertError> {
    let mut reader = pem.as_bytes();
    rustls_pemfile::private_key(&mut reader)
        .map_err(|source| CertError::Pem {
            what: "private key",
            source,
        })?
        .ok_or(CertError::NoKey)
}

impl TlsSetup {
    /// Builds both TLS configurations from PEM text: the CA certificate, and this node's certificate
    /// and private key.
    pub fn from_pem(ca_cert_pem: &str, cert_pem: &str, key_pem: &str) -> Result<Self, CertError> {
        let ca_certs = parse_certs(ca_cert_pem, "ca certificate")?;
        let chain = parse_certs(cert_pem, "node certificate")?;
        let key = parse_key(key_pem)?;
        let own_node_id = chain.first().map(|c| node_id(c)).unwrap_or_default();

        let mut roots = RootCertStore::empty();
        for ca in ca_certs {
            roots
                .add(ca)
                .map_err(|err| CertError::TrustAnchor(err.to_string()))?;
        }
        let roots = Arc::new(roots);
        let provider = provider();

        let client_verifier =
            WebPkiClientVerifier::builder_with_provider(roots.clone(), provider.clone())
                .build()
                .map_err(|err| CertError::TrustAnchor(err.to_string()))?;
        let server = ServerConfig::builder_with_provider(provider.clone())
            .with_protocol_versions(&[&rustls::version::TLS13])?
            .with_client_cert_verifier(client_verifier)
            .with_single_cert(chain.clone(), key.clone_key())?;

        let server_verifier = Arc::new(CaOnlyServerVerifier {
            roots,
            algorithms: provider.signature_verification_algorithms,
        });
        let client = ClientConfig::builder_with_provider(provider)
            .with_protocol_versions(&[&rustls::version::TLS13])?
            .dangerous()
            .with_custom_certificate_verifier(server_verifier)
            .with_client_auth_cert(chain, key)?;

        Ok(TlsSetup {
            server: Arc::new(server),
            client: Arc::new(client),
            own_node_id,
        })
    }

    /// Loads the PEM files: `ca_crt` (the private CA), and this node's `crt` and `key`.
    pub fn from_files(ca_crt: &Path, crt: &Path, key: &Path) -> Result<Self, CertError> {
        Self::from_pem(&read_text(ca_crt)?, &read_text(crt)?, &read_text(key)?)
    }

    /// Loads `config/ssl/ca/private_ca.crt` and `config/ssl/<node>/private_<node>.{crt,key}` from a
    /// chia root.
    pub fn from_chia_root(root: &Path, node: &str) -> Result<Self, CertError> {
        let (crt, key) = crate::certs::private_node_paths(root, node);
        Self::from_files(
            &crate::certs::ca_dir(root).join("private_ca.crt"),
            &crt,
            &key,
        )
    }

    /// The rustls server configuration (TLS 1.3, client certificate required).
    pub fn server_config(&self) -> Arc<ServerConfig> {
        self.server.clone()
    }

    /// The rustls client configuration (presents our certificate, CA-only server check).
    pub fn client_config(&self) -> Arc<ClientConfig> {
        self.client.clone()
    }

    /// Our own node id, from our certificate.
    pub fn own_node_id(&self) -> [u8; 32] {
        self.own_node_id
    }
}

/// Checks the server's chain against the CA and nothing else: chia never checks host names.
#[derive(Debug)]
struct CaOnlyServerVerifier {
    roots: Arc<RootCertStore>,
    algorithms: WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for CaOnlyServerVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let cert = rustls::server::ParsedCertificate::try_from(end_entity)?;
        rustls::client::verify_server_cert_signed_by_trust_anchor(
            &cert,
            &self.roots,
            intermediates,
            now,
            self.algorithms.all,
        )?;
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}
