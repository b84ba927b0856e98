//! The original's encrypted configuration values:
//! `__NPBACKUP__` + base64(nonce 16 | tag 16 | timestamp 32 | ciphertext) + `__NPBACKUP__`,
//! AES-256 in EAX mode (the cryptidy library), the plaintext a Python pickle of the
//! value. The key of a public build is the built-in one XORed with the original's
//! obfuscation keyword; a private build's key comes from `NPBACKUP_KEY_LOCATION` (a
//! file of 32 raw bytes) or `NPBACKUP_KEY_COMMAND` (its output), XORed the same way.

use aes::Aes256;
use base64::Engine as _;
use eax::{
    Eax,
    aead::{Aead, KeyInit, generic_array::GenericArray},
};

/// What frames an encrypted value.
pub const ID_STRING: &str = "__NPBACKUP__";

/// The public 3.0.x key as the original uses it (`secret_keys.AES_KEY` after
/// `obfuscation()`).
pub const PUBLIC_KEY: [u8; 32] = [
    0xec, 0x7e, 0x92, 0x39, 0xa1, 0x3a, 0x10, 0xec, 0x1a, 0xe6, 0xaf, 0xd7, 0xde, 0x1c, 0x0a, 0xdb,
    0x03, 0xbb, 0xa7, 0xb0, 0x5f, 0xa8, 0x70, 0x66, 0x4b, 0xd5, 0x99, 0x73, 0xfd, 0xb2, 0x9f, 0x48,
];

/// The 2.x public key (`secret_keys.EARLIER_AES_KEY`, used as is).
pub const EARLIER_KEY: [u8; 32] = [
    0x9e, 0xbc, 0x6b, 0xe4, 0xc5, 0x6e, 0x6b, 0x54, 0x1e, 0xbf, 0xb5, 0x6f, 0x06, 0xd3, 0xc6, 0x28,
    0x0e, 0x3a, 0x27, 0x69, 0x1b, 0x54, 0xb3, 0xf0, 0x1a, 0x43, 0x20, 0x65, 0x9b, 0x64, 0xa5, 0xc6,
];

const OBFUSCATION_KEYWORD: &[u8] = b"/*NPBackup 2024*/";

/// `obfuscation()` of the original: XOR with its keyword, repeated.
pub fn obfuscate(key: &[u8]) -> Vec<u8> {
    key.iter()
        .enumerate()
        .map(|(i, b)| b ^ OBFUSCATION_KEYWORD[i % OBFUSCATION_KEYWORD.len()])
        .collect()
}

/// The keys to try, in order, and where the first came from.
#[derive(Clone)]
pub struct Keys {
    pub keys: Vec<[u8; 32]>,
    /// "the public key", "NPBACKUP_KEY_LOCATION (/path)", "NPBACKUP_KEY_COMMAND".
    pub source: String,
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Keys")
            .field("count", &self.keys.len())
            .field("source", &self.source)
            .finish()
    }
}

impl Keys {
    pub fn public() -> Self {
        Keys {
            keys: vec![PUBLIC_KEY, EARLIER_KEY],
            source: "the original's public key".into(),
        }
    }

    /// As the original: `NPBACKUP_KEY_LOCATION` when it names a file, else the output
    /// of `NPBACKUP_KEY_COMMAND`, else the public key. Unlike the original, a key file
    /// that cannot be read or a command that fails is an error (it silently kept the
    /// public key); as in the original, a location that is not a file is passed over.
    pub fn from_env() -> Result<Self, String> {
        if let Some(path) = std::env::var_os("NPBACKUP_KEY_LOCATION")
            && std::path::Path::new(&path).is_file()
        {
            return Self::from_file(std::path::Path::new(&path));
        }
        if let Some(cmd) = std::env::var_os("NPBACKUP_KEY_COMMAND") {
            let out = std::process::Command::new("sh")
                .arg("-c")
                .arg(&cmd)
                .stdin(std::process::Stdio::null())
                .output()
                .map_err(|e| format!("NPBACKUP_KEY_COMMAND: cannot run it: {e}"))?;
            if !out.status.success() {
                return Err(format!(
                    "NPBACKUP_KEY_COMMAND failed ({}); its key was not read",
                    out.status
                ));
            }
            // the original merges stderr into the key; a command that writes nothing
            // there gives the same bytes
            return Self::private(&out.stdout, "NPBACKUP_KEY_COMMAND".into());
        }
        Ok(Self::public())
    }

    /// A private build's key file (`NPBACKUP_KEY_LOCATION`).
    pub fn from_file(path: &std::path::Path) -> Result<Self, String> {
        let shown = path.display().to_string();
        let raw = std::fs::read(path)
            .map_err(|e| format!("NPBACKUP_KEY_LOCATION: cannot read {shown}: {e}"))?;
        Self::private(&raw, format!("NPBACKUP_KEY_LOCATION ({shown})"))
    }

    /// The key as 3.0.x reads it (the bytes XORed with the keyword), then as 3.1
    /// does (the bytes themselves), then the public keys.
    fn private(raw: &[u8], source: String) -> Result<Self, String> {
        let len_error = || {
            format!(
                "{source}: a key is 32 bytes, this one is {} (a newline at the end counts)",
                raw.len()
            )
        };
        let key: [u8; 32] = obfuscate(raw)
            .as_slice()
            .try_into()
            .map_err(|_| len_error())?;
        let as_is: [u8; 32] = raw.try_into().map_err(|_| len_error())?;
        Ok(Keys {
            keys: vec![key, as_is, PUBLIC_KEY, EARLIER_KEY],
            source,
        })
    }
}

/// A value of the original's configuration, as Python had it.
#[derive(Debug, Clone, PartialEq)]
pub enum PyValue {
    None,
    Bool(bool),
    Int(i128),
    Float(f64),
    Str(String),
    Bytes(Vec<u8>),
    Tuple(Vec<PyValue>),
}

impl PyValue {
    /// The value as configuration text (numbers and booleans as Python prints them).
    pub fn text(&self) -> Option<String> {
        match self {
            PyValue::Str(s) => Some(s.clone()),
            PyValue::Int(i) => Some(i.to_string()),
            PyValue::Float(f) => Some(f.to_string()),
            PyValue::Bool(b) => Some(if *b { "True" } else { "False" }.into()),
            PyValue::Bytes(b) => String::from_utf8(b.clone()).ok(),
            PyValue::None | PyValue::Tuple(_) => None,
        }
    }
}

/// Whether `s` is an encrypted value.
pub fn is_encrypted(s: &str) -> bool {
    s.len() >= 2 * ID_STRING.len() && s.starts_with(ID_STRING) && s.ends_with(ID_STRING)
}

/// Why a value did not decrypt.
#[derive(Debug, Clone, PartialEq)]
pub enum DecryptError {
    /// Not base64, or too short to hold a nonce, tag and timestamp.
    Malformed(String),
    /// None of the keys opens it (the private key was not given, or it is damaged).
    WrongKey,
    /// It decrypted, but its content is not a value this reader knows.
    Content(String),
}

impl std::fmt::Display for DecryptError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DecryptError::Malformed(m) => write!(f, "not an encrypted value of NPBackup: {m}"),
            DecryptError::WrongKey => write!(
                f,
                "no key opens it (encrypted with a private build's key? give that key with NPBACKUP_KEY_LOCATION or NPBACKUP_KEY_COMMAND)"
            ),
            DecryptError::Content(m) => write!(f, "decrypted, but {m}"),
        }
    }
}

/// Decrypts one `__NPBACKUP__…__NPBACKUP__` value.
pub fn decrypt(value: &str, keys: &Keys) -> Result<PyValue, DecryptError> {
    if !is_encrypted(value) {
        return Err(DecryptError::Malformed("no __NPBACKUP__ markers".into()));
    }
    let inner: String = value[ID_STRING.len()..value.len() - ID_STRING.len()]
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let blob = base64::engine::general_purpose::STANDARD
        .decode(inner.as_bytes())
        .map_err(|e| DecryptError::Malformed(format!("base64: {e}")))?;
    if blob.len() < 64 {
        return Err(DecryptError::Malformed(format!(
            "{} bytes, fewer than a nonce, tag and timestamp",
            blob.len()
        )));
    }
    let (nonce, rest) = blob.split_at(16);
    let (tag, rest) = rest.split_at(16);
    let (_timestamp, ciphertext) = rest.split_at(32);
    // the aead API takes the tag after the ciphertext
    let mut sealed = Vec::with_capacity(ciphertext.len() + 16);
    sealed.extend_from_slice(ciphertext);
    sealed.extend_from_slice(tag);
    for key in &keys.keys {
        let cipher = Eax::<Aes256>::new(GenericArray::from_slice(key));
        if let Ok(plain) = cipher.decrypt(GenericArray::from_slice(nonce), sealed.as_slice()) {
            return if plain.first() == Some(&0x80) {
                unpickle(&plain).map_err(DecryptError::Content)
            } else {
                // cryptidy keeps what it cannot pickle as raw bytes
                Ok(PyValue::Bytes(plain))
            };
        }
    }
    Err(DecryptError::WrongKey)
}

/// Encrypts a text value as the original does (protocol-4 pickle, the current time),
/// for tests and for writing a file the original reads.
pub fn encrypt_str(value: &str, key: &[u8; 32]) -> String {
    let mut pickle = vec![0x80, 4];
    let bytes = value.as_bytes();
    let mut body = Vec::new();
    if bytes.len() < 256 {
        body.push(0x8c);
        body.push(bytes.len() as u8);
    } else {
        body.push(0x58);
        body.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
    }
    body.extend_from_slice(bytes);
    body.extend_from_slice(&[0x94, 0x2e]);
    pickle.push(0x95);
    pickle.extend_from_slice(&(body.len() as u64).to_le_bytes());
    pickle.extend_from_slice(&body);

    let mut nonce = [0u8; 16];
    getrandom::fill(&mut nonce).expect("the system's random numbers");
    let cipher = Eax::<Aes256>::new(GenericArray::from_slice(key));
    let sealed = cipher
        .encrypt(GenericArray::from_slice(&nonce), pickle.as_slice())
        .expect("EAX encrypts any length");
    let (ciphertext, tag) = sealed.split_at(sealed.len() - 16);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0);
    let mut ts = format!("{now}").into_bytes();
    ts.truncate(31);
    let pad = 32 - ts.len();
    ts.extend(std::iter::repeat_n(pad as u8, pad));
    let mut blob = Vec::new();
    blob.extend_from_slice(&nonce);
    blob.extend_from_slice(tag);
    blob.extend_from_slice(&ts);
    blob.extend_from_slice(ciphertext);
    format!(
        "{ID_STRING}{}{ID_STRING}",
        base64::engine::general_purpose::STANDARD.encode(blob)
    )
}

/// Reads the pickles the original writes: text, numbers, booleans, None, bytes and
/// tuples (a protected repository's `repo_uri` is `(uri, permissions, manager
/// password)`), protocols 2 to 5. ruamel.yaml's scalar subclasses (a hand-written
/// block scalar or float) read as their base value.
pub fn unpickle(data: &[u8]) -> Result<PyValue, String> {
    #[derive(Clone)]
    enum Item {
        Value(PyValue),
        Mark,
        Global,
        Dict,
    }
    let mut stack: Vec<Item> = Vec::new();
    let mut memo: Vec<Option<Item>> = Vec::new();
    let mut pos = 0usize;
    let take = |pos: &mut usize, n: usize| -> Result<&[u8], String> {
        let end = pos
            .checked_add(n)
            .filter(|e| *e <= data.len())
            .ok_or("a pickle cut short")?;
        let s = &data[*pos..end];
        *pos = end;
        Ok(s)
    };
    let le = |b: &[u8]| b.iter().rev().fold(0u64, |a, x| (a << 8) | u64::from(*x));
    let top = |stack: &Vec<Item>| stack.last().cloned().ok_or("an empty pickle stack");
    let text = |b: &[u8]| {
        String::from_utf8(b.to_vec()).map_err(|_| "text in a pickle that is not UTF-8".to_string())
    };
    let pop_value = |stack: &mut Vec<Item>| -> Result<PyValue, String> {
        match stack.pop() {
            Some(Item::Value(v)) => Ok(v),
            _ => Err("a pickle this reader does not understand".into()),
        }
    };
    loop {
        let op = *take(&mut pos, 1)?.first().ok_or("a pickle cut short")?;
        match op {
            0x80 => {
                let proto = take(&mut pos, 1)?[0];
                if !(2..=5).contains(&proto) {
                    return Err(format!("pickle protocol {proto}"));
                }
            }
            0x95 => {
                take(&mut pos, 8)?;
            }
            0x8c => {
                let n = take(&mut pos, 1)?[0] as usize;
                let s = text(take(&mut pos, n)?)?;
                stack.push(Item::Value(PyValue::Str(s)));
            }
            0x58 => {
                let n = le(take(&mut pos, 4)?) as usize;
                let s = text(take(&mut pos, n)?)?;
                stack.push(Item::Value(PyValue::Str(s)));
            }
            0x8d => {
                let n = le(take(&mut pos, 8)?) as usize;
                let s = text(take(&mut pos, n)?)?;
                stack.push(Item::Value(PyValue::Str(s)));
            }
            0x43 => {
                let n = take(&mut pos, 1)?[0] as usize;
                stack.push(Item::Value(PyValue::Bytes(take(&mut pos, n)?.to_vec())));
            }
            0x42 => {
                let n = le(take(&mut pos, 4)?) as usize;
                stack.push(Item::Value(PyValue::Bytes(take(&mut pos, n)?.to_vec())));
            }
            0x94 => memo.push(Some(top(&stack)?)),
            0x71 => {
                let i = take(&mut pos, 1)?[0] as usize;
                let v = top(&stack)?;
                if memo.len() <= i {
                    memo.resize(i + 1, None);
                }
                memo[i] = Some(v);
            }
            0x72 => {
                let i = le(take(&mut pos, 4)?) as usize;
                if i > 1 << 20 {
                    return Err("a pickle memo index out of range".into());
                }
                let v = top(&stack)?;
                if memo.len() <= i {
                    memo.resize(i + 1, None);
                }
                memo[i] = Some(v);
            }
            0x68 | 0x6a => {
                let i = if op == 0x68 {
                    take(&mut pos, 1)?[0] as usize
                } else {
                    le(take(&mut pos, 4)?) as usize
                };
                let v = memo
                    .get(i)
                    .cloned()
                    .flatten()
                    .ok_or("a pickle memo reference to nothing")?;
                stack.push(v);
            }
            0x4b => {
                let v = take(&mut pos, 1)?[0];
                stack.push(Item::Value(PyValue::Int(v.into())));
            }
            0x4d => {
                let v = le(take(&mut pos, 2)?);
                stack.push(Item::Value(PyValue::Int(v.into())));
            }
            0x4a => {
                let b = take(&mut pos, 4)?;
                let v = i32::from_le_bytes([b[0], b[1], b[2], b[3]]);
                stack.push(Item::Value(PyValue::Int(v.into())));
            }
            0x8a => {
                let n = take(&mut pos, 1)?[0] as usize;
                if n > 16 {
                    return Err("an integer too large".into());
                }
                let b = take(&mut pos, n)?;
                let mut v: i128 = 0;
                for (i, x) in b.iter().enumerate() {
                    v |= i128::from(*x) << (8 * i);
                }
                // two's complement of n bytes
                if n > 0 && n < 16 && b[n - 1] & 0x80 != 0 {
                    v -= 1i128 << (8 * n);
                }
                stack.push(Item::Value(PyValue::Int(v)));
            }
            0x4e => stack.push(Item::Value(PyValue::None)),
            0x88 => stack.push(Item::Value(PyValue::Bool(true))),
            0x89 => stack.push(Item::Value(PyValue::Bool(false))),
            0x47 => {
                let b = take(&mut pos, 8)?;
                let v = f64::from_be_bytes(b.try_into().map_err(|_| "a float cut short")?);
                stack.push(Item::Value(PyValue::Float(v)));
            }
            0x29 => stack.push(Item::Value(PyValue::Tuple(Vec::new()))),
            0x85..=0x87 => {
                let n = (op - 0x84) as usize;
                let mut items = Vec::with_capacity(n);
                for _ in 0..n {
                    items.push(pop_value(&mut stack)?);
                }
                items.reverse();
                stack.push(Item::Value(PyValue::Tuple(items)));
            }
            0x28 => stack.push(Item::Mark),
            0x74 => {
                let mut items = Vec::new();
                loop {
                    match stack.pop() {
                        Some(Item::Mark) => break,
                        Some(Item::Value(v)) => items.push(v),
                        _ => return Err("a pickle tuple without its mark".into()),
                    }
                }
                items.reverse();
                stack.push(Item::Value(PyValue::Tuple(items)));
            }
            // ruamel.yaml's scalar classes: GLOBAL(module, name) (args) NEWOBJ [state BUILD]
            0x93 => {
                pop_value(&mut stack)?;
                pop_value(&mut stack)?;
                stack.push(Item::Global);
            }
            0x81 => {
                let args = pop_value(&mut stack)?;
                match stack.pop() {
                    Some(Item::Global) => {}
                    _ => return Err("a pickle object without its class".into()),
                }
                let base = match args {
                    PyValue::Tuple(mut a) if a.len() == 1 => a.remove(0),
                    _ => return Err("an object this reader does not understand".into()),
                };
                stack.push(Item::Value(base));
            }
            0x7d => stack.push(Item::Dict),
            0x75 => {
                // SETITEMS into the state dict: dropped
                loop {
                    match stack.pop() {
                        Some(Item::Mark) => break,
                        Some(_) => {}
                        None => return Err("a pickle dict without its mark".into()),
                    }
                }
            }
            0x73 => {
                stack.pop();
                stack.pop();
            }
            0x62 => {
                // BUILD: the state (dropped) onto the object below it
                stack.pop();
            }
            0x2e => {
                return match stack.pop() {
                    Some(Item::Value(v)) => Ok(v),
                    _ => Err("a pickle whose result is not a value".into()),
                };
            }
            other => return Err(format!("pickle opcode 0x{other:02x}")),
        }
        if stack.len() > 64 {
            return Err("a pickle too deep".into());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_we_encrypt_the_original_format_decrypts() {
        let keys = Keys::public();
        for v in ["test-password", "", "pässwörd", &"x".repeat(300)] {
            let e = encrypt_str(v, &PUBLIC_KEY);
            assert!(is_encrypted(&e));
            assert_eq!(decrypt(&e, &keys).unwrap(), PyValue::Str(v.to_string()));
        }
        let private = [7u8; 32];
        let e = encrypt_str("secret", &private);
        assert_eq!(decrypt(&e, &keys), Err(DecryptError::WrongKey));
    }

    #[test]
    fn a_private_key_file_is_obfuscated_as_the_original_reads_it() {
        // the original's documented example: effective key 00..1f is stored as this
        let stored: Vec<u8> = (0..32u8).collect::<Vec<_>>();
        let file = obfuscate(&stored);
        assert_eq!(
            file[..4],
            [0x2f, 0x2b, 0x4c, 0x53],
            "the file holds the key XOR the keyword"
        );
        let keys = Keys::private(&file, "test".into()).unwrap();
        assert_eq!(keys.keys[0].to_vec(), stored);
        assert!(Keys::private(&[0u8; 33], "test".into()).is_err());
    }

    #[test]
    fn broken_values_say_why() {
        let keys = Keys::public();
        assert!(matches!(
            decrypt("__NPBACKUP__!!!__NPBACKUP__", &keys),
            Err(DecryptError::Malformed(_))
        ));
        assert!(matches!(
            decrypt("__NPBACKUP__AAAA__NPBACKUP__", &keys),
            Err(DecryptError::Malformed(_))
        ));
        assert!(unpickle(&[0x80, 4, 0x8c, 10, b'a']).is_err());
        assert!(unpickle(&[0x80, 9, 0x2e]).is_err());
    }
}
