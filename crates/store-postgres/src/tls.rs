//! TLS to PostgreSQL, with libpq's meanings of `sslmode` (rustls; no OpenSSL).
//!
//! | `sslmode` | TLS | the server's certificate |
//! |---|---|---|
//! | `disable` | never | — |
//! | `prefer` (the default) | if the server offers it | checked against `sslrootcert` if given, else not checked |
//! | `require` | always | checked against `sslrootcert` if given, else not checked |
//! | `verify-ca` | always | must chain to `sslrootcert` (or the system's roots) |
//! | `verify-full` | always | as `verify-ca`, and must name the host connected to |
//!
//! As with libpq, `require` without a root certificate encrypts but cannot tell the server
//! from an impostor: across a network that is not trusted, use `verify-full`. The driver
//! knows only `disable`, `prefer` and `require`; this module takes `verify-ca`,
//! `verify-full` and `sslrootcert=FILE` off the URL before the driver reads it.

use event_store::StoreError;
use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
};
use std::path::PathBuf;
use std::sync::Arc;
pub use tokio_postgres_rustls::MakeRustlsConnect;

/// How the server's certificate is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verify {
    /// Not at all (`prefer` or `require` without `sslrootcert`): encryption only.
    Nothing,
    /// It must chain to a trusted root (`verify-ca`, or `sslrootcert` with `require`).
    Chain,
    /// It must chain to a trusted root and name the host (`verify-full`).
    Full,
}

/// The TLS part of a store URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsSettings {
    pub verify: Verify,
    /// PEM file of the trusted roots; `None`: the system's.
    pub root_cert: Option<PathBuf>,
}

/// Takes `sslrootcert` and the `verify-*` modes off `url`: (the URL for the driver, the
/// settings).
pub fn split(url: &str) -> Result<(String, TlsSettings), StoreError> {
    let mut settings = TlsSettings {
        verify: Verify::Nothing,
        root_cert: None,
    };
    let Some((base, query)) = url.split_once('?') else {
        return Ok((url.to_owned(), settings));
    };
    let mut kept = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        match pair.split_once('=') {
            Some(("sslrootcert", v)) => {
                let path = percent_encoding::percent_decode_str(v).decode_utf8_lossy();
                if path.is_empty() {
                    return Err(StoreError::Unavailable(
                        "sslrootcert= in the store URL names no file".into(),
                    ));
                }
                settings.root_cert = Some(PathBuf::from(path.as_ref()));
            }
            Some(("sslmode", "verify-ca")) => {
                settings.verify = Verify::Chain;
                kept.push("sslmode=require".to_owned());
            }
            Some(("sslmode", "verify-full")) => {
                settings.verify = Verify::Full;
                kept.push("sslmode=require".to_owned());
            }
            _ => kept.push(pair.to_owned()),
        }
    }
    if settings.verify == Verify::Nothing && settings.root_cert.is_some() {
        // libpq: a root certificate given makes `require` check the chain.
        settings.verify = Verify::Chain;
    }
    let url = if kept.is_empty() {
        base.to_owned()
    } else {
        format!("{base}?{}", kept.join("&"))
    };
    Ok((url, settings))
}

/// The driver's TLS connector for these settings.
pub fn connector(settings: &TlsSettings) -> Result<MakeRustlsConnect, StoreError> {
    // One provider, named here, whatever else the process has installed as its default.
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| StoreError::Internal(format!("TLS: {e}")))?;
    let config = match settings.verify {
        Verify::Nothing => builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(EncryptOnly {
                algorithms: provider.signature_verification_algorithms,
            }))
            .with_no_client_auth(),
        Verify::Chain | Verify::Full => {
            let roots = Arc::new(roots(settings)?);
            let webpki = WebPkiServerVerifier::builder_with_provider(roots, provider)
                .build()
                .map_err(|e| StoreError::Unavailable(format!("TLS roots: {e}")))?;
            let verifier: Arc<dyn ServerCertVerifier> = if settings.verify == Verify::Full {
                webpki
            } else {
                Arc::new(ChainOnly { webpki })
            };
            builder
                .dangerous()
                .with_custom_certificate_verifier(verifier)
                .with_no_client_auth()
        }
    };
    Ok(MakeRustlsConnect::new(config))
}

fn roots(settings: &TlsSettings) -> Result<RootCertStore, StoreError> {
    let mut roots = RootCertStore::empty();
    match &settings.root_cert {
        Some(path) => {
            let certs = CertificateDer::pem_file_iter(path)
                .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
                .map_err(|e| {
                    StoreError::Unavailable(format!(
                        "sslrootcert={}: cannot read PEM certificates: {e}",
                        path.display()
                    ))
                })?;
            let (added, _) = roots.add_parsable_certificates(certs);
            if added == 0 {
                return Err(StoreError::Unavailable(format!(
                    "sslrootcert={}: no certificate in it",
                    path.display()
                )));
            }
        }
        None => {
            let found = rustls_native_certs::load_native_certs();
            roots.add_parsable_certificates(found.certs);
            if roots.is_empty() {
                return Err(StoreError::Unavailable(
                    "sslmode=verify-ca/verify-full: the system has no root certificates; \
                     name the server's CA with sslrootcert=FILE"
                        .into(),
                ));
            }
        }
    }
    Ok(roots)
}

/// `require` without a root: any certificate, but a real handshake (its signatures are
/// still checked, so the session is encrypted to whoever holds the key).
#[derive(Debug)]
struct EncryptOnly {
    algorithms: WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for EncryptOnly {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
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

/// `verify-ca`: the chain must lead to a trusted root; the name is not compared.
#[derive(Debug)]
struct ChainOnly {
    webpki: Arc<WebPkiServerVerifier>,
}

impl ServerCertVerifier for ChainOnly {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        match self.webpki.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        ) {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.webpki.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.webpki.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.webpki.supported_verify_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_verify_modes_and_the_root_file_are_taken_off_the_url() {
        let (url, s) =
            split("postgres://u@h/db?sslmode=verify-full&sslrootcert=%2Fetc%2Fca.pem&x=1")
                .expect("valid");
        assert_eq!(url, "postgres://u@h/db?sslmode=require&x=1");
        assert_eq!(s.verify, Verify::Full);
        assert_eq!(s.root_cert, Some(PathBuf::from("/etc/ca.pem")));
        let (url, s) = split("postgres://u@h/db?sslmode=require").expect("valid");
        assert_eq!(
            (url.as_str(), s.verify),
            ("postgres://u@h/db?sslmode=require", Verify::Nothing)
        );
        let (_, s) = split("postgres://u@h/db?sslmode=require&sslrootcert=ca.pem").expect("valid");
        assert_eq!(
            s.verify,
            Verify::Chain,
            "a root file makes require check the chain"
        );
        let (_, s) = split("postgres://u@h/db?sslmode=verify-ca").expect("valid");
        assert_eq!((s.verify, s.root_cert), (Verify::Chain, None));
        assert!(split("postgres://u@h/db?sslrootcert=").is_err());
    }

    #[test]
    fn a_root_file_that_cannot_be_read_is_named() {
        let settings = TlsSettings {
            verify: Verify::Full,
            root_cert: Some(PathBuf::from("/nonexistent/ca.pem")),
        };
        let err = connector(&settings).map(|_| ()).expect_err("no such file");
        assert!(err.to_string().contains("/nonexistent/ca.pem"), "{err}");
    }
}
