//! restic's encryption of repository files and blobs (AES-256-CTR + Poly1305-AES:
//! nonce ‖ ciphertext ‖ MAC), for the few places that read or write the
//! repository beside rustic_core: locks, and restore's bounded pack reader.

use aes256ctr_poly1305aes::{
    Aes256CtrPoly1305Aes,
    aead::{AeadInPlace, generic_array::GenericArray},
};

use crate::error::{Error, Result};

/// The repository's data key, as the AEAD wants it (encrypt ‖ k ‖ r).
#[derive(Clone)]
pub struct RepoKey(Box<[u8; 64]>);

impl RepoKey {
    pub(crate) fn of<S: rustic_core::Open>(repo: &rustic_core::Repository<S>) -> Result<Self> {
        let mk = repo.key();
        if mk.encrypt.len() != 32 || mk.mac.k.len() != 16 || mk.mac.r.len() != 16 {
            return Err(Error::Usage(crate::t!("engine-key-shape")));
        }
        let mut key = Box::new([0u8; 64]);
        key[..32].copy_from_slice(&mk.encrypt);
        key[32..48].copy_from_slice(&mk.mac.k);
        key[48..].copy_from_slice(&mk.mac.r);
        Ok(RepoKey(key))
    }

    #[cfg(test)]
    pub fn from_bytes(key: [u8; 64]) -> Self {
        RepoKey(Box::new(key))
    }

    fn cipher(&self) -> Aes256CtrPoly1305Aes {
        Aes256CtrPoly1305Aes::new(GenericArray::from_slice(&self.0[..]))
    }

    /// Encrypts `plain` with a fresh random nonce.
    pub fn encrypt(&self, plain: &[u8]) -> Result<Vec<u8>> {
        let mut nonce = [0u8; 16];
        getrandom::fill(&mut nonce)
            .map_err(|e| Error::Usage(crate::t!("engine-no-randomness", cause = e.to_string())))?;
        let mut buf = plain.to_vec();
        let tag = self
            .cipher()
            .encrypt_in_place_detached(GenericArray::from_slice(&nonce), &[], &mut buf)
            .map_err(|_| Error::Usage(crate::t!("engine-cannot-encrypt")))?;
        let mut out = Vec::with_capacity(16 + buf.len() + 16);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&buf);
        out.extend_from_slice(&tag);
        Ok(out)
    }

    /// Decrypts and authenticates `data`; `None` when it was not encrypted with
    /// this key or was altered.
    pub fn decrypt(&self, data: &[u8]) -> Option<Vec<u8>> {
        if data.len() < 32 {
            return None;
        }
        let (nonce, rest) = data.split_at(16);
        let (body, tag) = rest.split_at(rest.len() - 16);
        let mut buf = body.to_vec();
        self.cipher()
            .decrypt_in_place_detached(
                GenericArray::from_slice(nonce),
                &[],
                &mut buf,
                GenericArray::from_slice(tag),
            )
            .ok()?;
        Some(buf)
    }
}

impl std::fmt::Debug for RepoKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RepoKey(…)")
    }
}

/// The scrypt parameters of a key we create (`init`, `key add`, `key passwd`),
/// calibrated as restic calibrates its own (`crypto.Calibrate`: at most 500 ms and
/// 60 MiB): the memory cap keeps N at 2^15 with r = 8 (32 MiB), and p grows until
/// one derivation takes up to half a second on this machine. One timed run at p = 1
/// (the faster of two, so that a cold first run does not weaken the result) gives p.
/// p is never below 3: N = 2^15, r = 8, p = 3 is OWASP's equivalent of the
/// N = 2^17, r = 8, p = 1 that rustic_core uses by default, which needs 128 MiB on
/// every open of the repository instead of 32.
pub(crate) fn calibrated_kdf() -> (u8, u32, u32) {
    const LOG_N: u8 = 15;
    const R: u32 = 8;
    const TARGET: std::time::Duration = std::time::Duration::from_millis(500);
    let Ok(params) = scrypt::Params::new(LOG_N, R, 1) else {
        return (LOG_N, R, 8);
    };
    let mut salt = [0u8; 64];
    let _ = getrandom::fill(&mut salt);
    let mut out = [0u8; 64];
    let one = (0..2)
        .filter_map(|_| {
            let start = std::time::Instant::now();
            scrypt::scrypt(b"calibration", &salt, &params, &mut out).ok()?;
            Some(start.elapsed())
        })
        .min();
    let p = one.map_or(8, |d| {
        (TARGET.as_secs_f64() / d.as_secs_f64().max(1e-6)) as u32
    });
    (LOG_N, R, p.clamp(3, 64))
}
