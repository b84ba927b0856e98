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
