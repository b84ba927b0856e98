//! `lzop` files, as `vzdump --compress lzo` writes them: a header (magic, versions,
//! method, flags, mode, times, name, header checksum) then blocks of at most 64 MiB,
//! each its uncompressed and compressed lengths, the checksums the flags ask for, and
//! the LZO1X data (stored as is when it would not shrink), ended by a zero length.
//! Every checksum present is checked; a damaged file is an error naming the byte.

use std::io::{self, Read};

const MAGIC: [u8; 9] = [0x89, b'L', b'Z', b'O', 0x00, 0x0d, 0x0a, 0x1a, 0x0a];
const F_ADLER32_D: u32 = 0x0001;
const F_ADLER32_C: u32 = 0x0002;
const F_H_EXTRA_FIELD: u32 = 0x0040;
const F_CRC32_D: u32 = 0x0100;
const F_CRC32_C: u32 = 0x0200;
const F_MULTIPART: u32 = 0x0400;
const F_H_FILTER: u32 = 0x0800;
const F_H_CRC32: u32 = 0x1000;
/// lzop's own limit on a block.
const MAX_BLOCK: usize = 64 * 1024 * 1024;

/// An lzop file's content, decompressed as it is read.
pub struct LzopReader<R> {
    inner: R,
    /// Bytes of the compressed file read so far (for errors).
    at: u64,
    flags: u32,
    block: Vec<u8>,
    compressed: Vec<u8>,
    pos: usize,
    done: bool,
    /// The error that stopped the reader: every later read gives it again.
    failed: Option<(io::ErrorKind, String)>,
}

fn invalid(at: u64, what: impl std::fmt::Display) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("lzop file at byte {at}: {what}"),
    )
}

fn adler32(data: &[u8]) -> u32 {
    const MOD: u32 = 65_521;
    let (mut a, mut b) = (1u32, 0u32);
    // 5552 bytes is the longest run whose sums cannot overflow a u32
    for chunk in data.chunks(5552) {
        for &byte in chunk {
            a += u32::from(byte);
            b += a;
        }
        a %= MOD;
        b %= MOD;
    }
    (b << 16) | a
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = flate2::Crc::new();
    crc.update(data);
    crc.sum()
}

impl<R: Read> LzopReader<R> {
    /// Reads and checks the header.
    pub fn new(inner: R) -> io::Result<Self> {
        let mut r = LzopReader {
            inner,
            at: 0,
            flags: 0,
            block: Vec::new(),
            compressed: Vec::new(),
            pos: 0,
            done: false,
            failed: None,
        };
        let mut magic = [0u8; 9];
        r.exact(&mut magic, "the magic number")?;
        if magic != MAGIC {
            return Err(invalid(0, "not an lzop file (wrong magic number)"));
        }
        // the header checksum covers everything after the magic
        let mut header = Vec::new();
        let version = r.u16(&mut header)?;
        let _lib_version = r.u16(&mut header)?;
        if version >= 0x0940 {
            let needed = r.u16(&mut header)?;
            if needed > 0x1040 {
                return Err(invalid(
                    r.at,
                    format!("it needs lzop {needed:#06x} to extract (this reader follows 1.04)"),
                ));
            }
        }
        let method = r.u8(&mut header)?;
        if !(1..=3).contains(&method) {
            return Err(invalid(
                r.at,
                format!("compression method {method} is not LZO1X"),
            ));
        }
        if version >= 0x0940 {
            r.u8(&mut header)?; // level
        }
        let flags = r.u32(&mut header)?;
        if flags & F_MULTIPART != 0 {
            return Err(invalid(r.at, "multi-part lzop files are not read"));
        }
        if flags & F_H_FILTER != 0 {
            return Err(invalid(r.at, "lzop filters are not read"));
        }
        r.u32(&mut header)?; // mode
        r.u32(&mut header)?; // mtime
        if version >= 0x0940 {
            r.u32(&mut header)?; // mtime, high bits
        }
        let name_len = usize::from(r.u8(&mut header)?);
        let mut name = vec![0u8; name_len];
        r.exact(&mut name, "the file name")?;
        header.extend_from_slice(&name);
        let sum_at = r.at;
        let stored = r.u32(&mut Vec::new())?;
        let sum = if flags & F_H_CRC32 != 0 {
            crc32(&header)
        } else {
            adler32(&header)
        };
        if sum != stored {
            return Err(invalid(sum_at, "the header's checksum does not match"));
        }
        if flags & F_H_EXTRA_FIELD != 0 {
            let len = r.u32(&mut Vec::new())? as usize;
            if len > MAX_BLOCK {
                return Err(invalid(r.at, format!("an extra field of {len} bytes")));
            }
            let mut skip = vec![0u8; len];
            r.exact(&mut skip, "the header's extra field")?;
            r.u32(&mut Vec::new())?;
        }
        r.flags = flags;
        Ok(r)
    }

    fn exact(&mut self, buf: &mut [u8], what: &str) -> io::Result<()> {
        match self.inner.read_exact(buf) {
            Ok(()) => {
                self.at += buf.len() as u64;
                Ok(())
            }
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => Err(invalid(
                self.at,
                format!("the file ends inside {what} (cut short?)"),
            )),
            Err(e) => Err(e),
        }
    }

    fn u8(&mut self, header: &mut Vec<u8>) -> io::Result<u8> {
        let mut b = [0u8; 1];
        self.exact(&mut b, "the header")?;
        header.extend_from_slice(&b);
        Ok(b[0])
    }

    fn u16(&mut self, header: &mut Vec<u8>) -> io::Result<u16> {
        let mut b = [0u8; 2];
        self.exact(&mut b, "the header")?;
        header.extend_from_slice(&b);
        Ok(u16::from_be_bytes(b))
    }

    fn u32(&mut self, header: &mut Vec<u8>) -> io::Result<u32> {
        let mut b = [0u8; 4];
        self.exact(&mut b, "the header")?;
        header.extend_from_slice(&b);
        Ok(u32::from_be_bytes(b))
    }

    /// Reads the next block into `self.block`; false at the end of the file.
    fn next_block(&mut self) -> io::Result<bool> {
        let block_at = self.at;
        let mut len = [0u8; 4];
        self.exact(&mut len, "a block's length")?;
        let dst_len = u32::from_be_bytes(len) as usize;
        if dst_len == 0 {
            return Ok(false);
        }
        self.exact(&mut len, "a block's length")?;
        let src_len = u32::from_be_bytes(len) as usize;
        if dst_len > MAX_BLOCK || src_len > dst_len {
            return Err(invalid(
                block_at,
                format!("a block of {src_len} bytes claims to hold {dst_len}"),
            ));
        }
        let flags = self.flags;
        let mut sum = || -> io::Result<u32> {
            self.exact(&mut len, "a block's checksum")?;
            Ok(u32::from_be_bytes(len))
        };
        let d_adler = (flags & F_ADLER32_D != 0).then(&mut sum).transpose()?;
        let d_crc = (flags & F_CRC32_D != 0).then(&mut sum).transpose()?;
        let packed = src_len < dst_len;
        let c_adler = (packed && flags & F_ADLER32_C != 0)
            .then(&mut sum)
            .transpose()?;
        let c_crc = (packed && flags & F_CRC32_C != 0)
            .then(&mut sum)
            .transpose()?;
        let data_at = self.at;
        let mut compressed = std::mem::take(&mut self.compressed);
        compressed.resize(src_len, 0);
        self.exact(&mut compressed, "a block's data")?;
        let bad_sum =
            |which: &str| invalid(block_at, format!("the block's {which} does not match"));
        if c_adler.is_some_and(|s| s != adler32(&compressed)) {
            return Err(bad_sum("checksum of compressed data"));
        }
        if c_crc.is_some_and(|s| s != crc32(&compressed)) {
            return Err(bad_sum("CRC of compressed data"));
        }
        self.block.resize(dst_len, 0);
        if packed {
            let n = lzo::decompress_into(&compressed, &mut self.block)
                .map_err(|e| invalid(data_at, e))?;
            if n != dst_len {
                return Err(invalid(
                    data_at,
                    format!("a block decompresses to {n} bytes instead of {dst_len}"),
                ));
            }
        } else {
            self.block.copy_from_slice(&compressed);
        }
        self.compressed = compressed;
        if d_adler.is_some_and(|s| s != adler32(&self.block)) {
            return Err(bad_sum("checksum"));
        }
        if d_crc.is_some_and(|s| s != crc32(&self.block)) {
            return Err(bad_sum("CRC"));
        }
        self.pos = 0;
        Ok(true)
    }
}

impl<R: Read> Read for LzopReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if let Some((kind, what)) = &self.failed {
            return Err(io::Error::new(*kind, what.clone()));
        }
        while self.pos == self.block.len() {
            if self.done || buf.is_empty() {
                return Ok(0);
            }
            let next = self.next_block().inspect_err(|e| {
                self.failed = Some((e.kind(), e.to_string()));
                self.block.clear();
                self.pos = 0;
            });
            if !next? {
                self.done = true;
                self.block.clear();
                self.pos = 0;
                return Ok(0);
            }
        }
        let n = buf.len().min(self.block.len() - self.pos);
        buf[..n].copy_from_slice(&self.block[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::{Command, Stdio};

    /// `data` compressed by the real lzop with `args`.
    fn lzop(data: &[u8], args: &[&str]) -> Vec<u8> {
        use std::io::Write;
        let mut child = Command::new("lzop")
            .args(args)
            .arg("-c")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("lzop (installed by scripts/install-deps.sh)");
        let mut stdin = child.stdin.take().unwrap();
        let input = data.to_vec();
        let writer = std::thread::spawn(move || stdin.write_all(&input));
        let out = child.wait_with_output().unwrap();
        writer.join().unwrap().unwrap();
        assert!(out.status.success());
        out.stdout
    }

    fn sample() -> Vec<u8> {
        // compressible text, a run of zeros, and noise that does not compress
        let mut data = Vec::new();
        for i in 0..40_000u32 {
            data.extend_from_slice(format!("line {i} of a guest's disk\n").as_bytes());
        }
        data.extend(std::iter::repeat_n(0u8, 300_000));
        let mut x = 0x2545_f491u32;
        for _ in 0..200_000 {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            data.push(x as u8);
        }
        data
    }

    fn unlzop(file: &[u8]) -> io::Result<Vec<u8>> {
        let mut out = Vec::new();
        LzopReader::new(file)?.read_to_end(&mut out)?;
        Ok(out)
    }

    #[test]
    fn reads_what_lzop_writes_at_every_level_and_checksum() {
        let data = sample();
        for args in [
            &["-1"][..],
            &["-3"],
            &["-9"],
            &["--crc32"],
            &["--no-checksum"],
        ] {
            let file = lzop(&data, args);
            assert!(file.len() < data.len(), "{args:?}");
            assert!(unlzop(&file).unwrap() == data, "lzop {args:?}");
        }
        assert!(unlzop(&lzop(b"", &[])).unwrap().is_empty());
    }

    #[test]
    fn damage_is_found_and_placed() {
        let data = sample();
        let file = lzop(&data, &["-3"]);
        // cut short, in the middle of a block
        let err = unlzop(&file[..file.len() / 2]).unwrap_err();
        assert!(err.to_string().contains("cut short"), "{err}");
        // one byte changed in a block's data
        let mut bad = file.clone();
        let at = file.len() - 1000;
        bad[at] ^= 0x55;
        let err = unlzop(&bad).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData, "{err}");
        // and a reader asked again after its error gives it again, never bytes
        let mut reader = LzopReader::new(&bad[..]).unwrap();
        assert!(reader.read_to_end(&mut Vec::new()).is_err());
        assert!(reader.read(&mut [0u8; 16]).is_err());
        assert!(err.to_string().starts_with("lzop file at byte "), "{err}");
        // the header's checksum
        let mut bad = file.clone();
        bad[20] ^= 1;
        let err = unlzop(&bad).unwrap_err();
        assert!(err.to_string().contains("header"), "{err}");
        // not lzop at all
        assert!(unlzop(b"plain text, not lzop").is_err());
        // no end marker: the file stops after a whole block
        let err = unlzop(&file[..file.len() - 4]).unwrap_err();
        assert!(err.to_string().contains("cut short"), "{err}");
    }
}
