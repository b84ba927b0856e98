//! Proxmox's Virtual Machine Archive (VMA, what `vzdump` writes for a QEMU guest),
//! read and written as `vma_spec.txt` lays it out and as real archives differ from
//! it: a blob's length is little-endian (every other number big-endian), the blob
//! buffer starts with one unused byte (offset 0 means "none"), and an extent holds
//! at most 59 clusters (vzdump fills 58). A cluster is 64 KiB of one device, stored
//! as the 4 KiB blocks its mask marks as not zero; clusters come in the order the
//! backup finished them, not in device order.
//!
//! Every structure is checked (magics, version, the header's and each extent's MD5,
//! offsets inside the blob buffer, device ids, cluster numbers inside the device), and
//! a damaged or truncated archive is an [`Error`] naming the byte where it is wrong,
//! never a panic.

use std::io::{self, Read, Write};

use md5::{Digest, Md5};

mod lzop;
pub use lzop::LzopReader;

/// Bytes of a cluster.
pub const CLUSTER_SIZE: usize = 65_536;
/// Bytes of a block (the unit the mask marks as zero or not).
pub const BLOCK_SIZE: usize = 4_096;
/// Clusters an extent can describe.
pub const CLUSTERS_PER_EXTENT: usize = 59;
const EXTENT_HEADER: usize = 512;
const HEADER_FIXED: usize = 12_288;
const MAGIC: &[u8; 4] = b"VMA\0";
const EXTENT_MAGIC: &[u8; 4] = b"VMAE";

/// What is wrong, and at which byte of the (uncompressed) archive.
#[derive(Debug)]
pub enum Error {
    Io { at: u64, source: io::Error },
    Format { at: u64, what: String },
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Io { at, source } => write!(f, "at byte {at}: {source}"),
            Error::Format { at, what } => write!(f, "at byte {at}: {what}"),
        }
    }
}

impl std::error::Error for Error {}

pub type Result<T> = std::result::Result<T, Error>;

fn format_error(at: u64, what: impl Into<String>) -> Error {
    Error::Format {
        at,
        what: what.into(),
    }
}

/// A configuration file stored in the archive (`qemu-server.conf`, `fw.conf`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    pub name: String,
    pub data: Vec<u8>,
}

/// A disk image (or `vmstate`) of the archive; clusters name it by `id`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    pub id: u8,
    pub name: String,
    pub size: u64,
}

/// The archive's header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    pub uuid: [u8; 16],
    /// Seconds since the epoch.
    pub ctime: u64,
    pub configs: Vec<Config>,
    pub devices: Vec<Device>,
}

impl Header {
    pub fn device(&self, id: u8) -> Option<&Device> {
        self.devices.iter().find(|d| d.id == id)
    }
}

/// One cluster of one device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cluster {
    pub device: u8,
    /// Its number in the device: it starts at `number * CLUSTER_SIZE`.
    pub number: u32,
    /// Bit `i` set: block `i` is in `data`; clear: block `i` is zeros.
    pub mask: u16,
    /// The blocks the mask marks, in order.
    pub data: Vec<u8>,
}

impl Cluster {
    /// Where the cluster starts in its device.
    pub fn offset(&self) -> u64 {
        u64::from(self.number) * CLUSTER_SIZE as u64
    }

    /// Its 64 KiB, zero blocks included.
    pub fn expand(&self) -> Vec<u8> {
        let mut out = vec![0u8; CLUSTER_SIZE];
        for (i, block) in self.blocks() {
            out[i * BLOCK_SIZE..(i + 1) * BLOCK_SIZE].copy_from_slice(block);
        }
        out
    }

    /// The blocks that are not zero, by their index in the cluster.
    pub fn blocks(&self) -> impl Iterator<Item = (usize, &[u8])> {
        (0..16)
            .filter(move |i| self.mask & (1 << i) != 0)
            .zip(self.data.chunks(BLOCK_SIZE))
    }
}

/// Reads `buf.len()` bytes, or says where the archive ended.
fn read_exact_at(r: &mut impl Read, buf: &mut [u8], at: u64, what: &str) -> Result<()> {
    let mut done = 0;
    while done < buf.len() {
        match r.read(&mut buf[done..]) {
            Ok(0) => {
                return Err(format_error(
                    at + done as u64,
                    format!(
                        "the archive ends inside {what} ({} of {} bytes): it is truncated",
                        done,
                        buf.len()
                    ),
                ));
            }
            Ok(n) => done += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(source) => {
                return Err(Error::Io {
                    at: at + done as u64,
                    source,
                });
            }
        }
    }
    Ok(())
}

fn be16(b: &[u8], at: usize) -> u16 {
    u16::from_be_bytes([b[at], b[at + 1]])
}
fn be32(b: &[u8], at: usize) -> u32 {
    u32::from_be_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}
fn be64(b: &[u8], at: usize) -> u64 {
    let mut x = [0u8; 8];
    x.copy_from_slice(&b[at..at + 8]);
    u64::from_be_bytes(x)
}

/// The MD5 of `bytes` with its checksum field (`at..at + 16`) zeroed, as stored.
fn md5_with_hole(bytes: &[u8], at: usize) -> [u8; 16] {
    let mut h = Md5::new();
    h.update(&bytes[..at]);
    h.update([0u8; 16]);
    h.update(&bytes[at + 16..]);
    h.finalize().into()
}

/// A blob of the blob buffer: its little-endian length, then its bytes.
fn blob(buffer: &[u8], offset: u32, base: u64, what: &str) -> Result<Vec<u8>> {
    let o = offset as usize;
    let at = base + u64::from(offset);
    if o + 2 > buffer.len() {
        return Err(format_error(
            at,
            format!(
                "{what} points outside the blob buffer ({} bytes)",
                buffer.len()
            ),
        ));
    }
    let len = u16::from_le_bytes([buffer[o], buffer[o + 1]]) as usize;
    buffer
        .get(o + 2..o + 2 + len)
        .map(<[u8]>::to_vec)
        .ok_or_else(|| {
            format_error(
                at,
                format!("{what} ({len} bytes) runs past the blob buffer"),
            )
        })
}

/// A name blob: text, its trailing NUL dropped.
fn name(bytes: Vec<u8>, at: u64, what: &str) -> Result<String> {
    let bytes = bytes.strip_suffix(&[0]).unwrap_or(&bytes).to_vec();
    String::from_utf8(bytes).map_err(|_| format_error(at, format!("{what} is not UTF-8 text")))
}

/// Reads an archive: its header at once, then its clusters in archive order.
pub struct Reader<R> {
    r: R,
    pos: u64,
    header: Header,
    pending: std::collections::VecDeque<Cluster>,
}

impl<R: Read> Reader<R> {
    /// Reads and checks the header.
    pub fn new(mut r: R) -> Result<Self> {
        let mut fixed = vec![0u8; HEADER_FIXED];
        read_exact_at(&mut r, &mut fixed[..64], 0, "the header")?;
        if &fixed[..4] != MAGIC {
            return Err(format_error(
                0,
                "not a VMA archive (no \"VMA\\0\" magic; a compressed dump must be decompressed first)",
            ));
        }
        let version = be32(&fixed, 4);
        if version != 1 {
            return Err(format_error(
                4,
                format!("VMA version {version}: only version 1 exists"),
            ));
        }
        let blob_offset = be32(&fixed, 48) as usize;
        let blob_size = be32(&fixed, 52) as usize;
        let header_size = be32(&fixed, 56) as usize;
        if header_size < HEADER_FIXED
            || !header_size.is_multiple_of(512)
            || header_size > 16 * 1024 * 1024
            || blob_offset < HEADER_FIXED
            || blob_offset + blob_size > header_size
        {
            return Err(format_error(
                48,
                format!(
                    "impossible header sizes (blob buffer {blob_size} bytes at {blob_offset}, header {header_size} bytes)"
                ),
            ));
        }
        let mut head = fixed;
        head.resize(header_size, 0);
        read_exact_at(&mut r, &mut head[64..], 64, "the header")?;
        if md5_with_hole(&head, 32) != head[32..48] {
            return Err(format_error(
                32,
                "the header's MD5 checksum does not match: the header is damaged",
            ));
        }
        let buffer = &head[blob_offset..blob_offset + blob_size];
        let base = blob_offset as u64;
        let mut configs = Vec::new();
        for i in 0..256 {
            let (n, d) = (be32(&head, 2044 + 4 * i), be32(&head, 3068 + 4 * i));
            if n == 0 && d == 0 {
                continue;
            }
            let what = format!("configuration {i}'s name");
            let cname = name(blob(buffer, n, base, &what)?, base + u64::from(n), &what)?;
            let data = blob(buffer, d, base, &format!("configuration `{cname}`"))?;
            configs.push(Config { name: cname, data });
        }
        let mut devices = Vec::new();
        for id in 1..256usize {
            let at = 4096 + 32 * id;
            let n = be32(&head, at);
            if n == 0 {
                continue;
            }
            let what = format!("device {id}'s name");
            let dname = name(blob(buffer, n, base, &what)?, base + u64::from(n), &what)?;
            devices.push(Device {
                id: id as u8,
                name: dname,
                size: be64(&head, at + 8),
            });
        }
        let mut uuid = [0u8; 16];
        uuid.copy_from_slice(&head[8..24]);
        Ok(Reader {
            r,
            pos: header_size as u64,
            header: Header {
                uuid,
                ctime: be64(&head, 24),
                configs,
                devices,
            },
            pending: Default::default(),
        })
    }

    pub fn header(&self) -> &Header {
        &self.header
    }

    /// The next cluster in archive order; `None` at the end of the archive.
    pub fn next_cluster(&mut self) -> Result<Option<Cluster>> {
        while self.pending.is_empty() {
            if !self.read_extent()? {
                return Ok(None);
            }
        }
        Ok(self.pending.pop_front())
    }

    /// Reads one extent into `pending`; false at the archive's clean end.
    fn read_extent(&mut self) -> Result<bool> {
        let at = self.pos;
        let mut head = [0u8; EXTENT_HEADER];
        // the end of the archive is the end of the last extent
        let mut first = [0u8; 1];
        loop {
            match self.r.read(&mut first) {
                Ok(0) => return Ok(false),
                Ok(_) => break,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(source) => return Err(Error::Io { at, source }),
            }
        }
        head[0] = first[0];
        read_exact_at(&mut self.r, &mut head[1..], at + 1, "an extent header")?;
        if &head[..4] != EXTENT_MAGIC {
            return Err(format_error(
                at,
                "no extent here (no \"VMAE\" magic): the archive is damaged",
            ));
        }
        if head[8..24] != self.header.uuid {
            return Err(format_error(
                at + 8,
                "an extent of another archive (its UUID differs from the header's)",
            ));
        }
        if md5_with_hole(&head, 24) != head[24..40] {
            return Err(format_error(
                at + 24,
                "an extent header's MD5 checksum does not match: it is damaged",
            ));
        }
        let blocks = be16(&head, 6) as usize;
        let mut infos = Vec::new();
        let mut marked = 0;
        for k in 0..CLUSTERS_PER_EXTENT {
            let i = 40 + 8 * k;
            let (mask, device, number) = (be16(&head, i), head[i + 3], be32(&head, i + 4));
            if device == 0 {
                continue;
            }
            let Some(dev) = self.header.device(device) else {
                return Err(format_error(
                    at + i as u64,
                    format!("a cluster of device {device}, which the header does not list"),
                ));
            };
            if u64::from(number) * CLUSTER_SIZE as u64 >= dev.size.max(1) {
                return Err(format_error(
                    at + i as u64,
                    format!(
                        "cluster {number} lies past the end of `{}` ({} bytes)",
                        dev.name, dev.size
                    ),
                ));
            }
            marked += mask.count_ones() as usize;
            infos.push((device, number, mask));
        }
        if marked != blocks {
            return Err(format_error(
                at + 6,
                format!("the extent says {blocks} blocks but its clusters mark {marked}"),
            ));
        }
        let mut data = vec![0u8; blocks * BLOCK_SIZE];
        read_exact_at(
            &mut self.r,
            &mut data,
            at + EXTENT_HEADER as u64,
            "an extent's data",
        )?;
        self.pos = at + (EXTENT_HEADER + data.len()) as u64;
        let mut rest = &data[..];
        for (device, number, mask) in infos {
            let len = mask.count_ones() as usize * BLOCK_SIZE;
            let (mine, after) = rest.split_at(len);
            rest = after;
            self.pending.push_back(Cluster {
                device,
                number,
                mask,
                data: mine.to_vec(),
            });
        }
        Ok(true)
    }
}

/// Writes an archive as vzdump does: the header, then extents of up to 59 clusters.
pub struct Writer<W: Write> {
    w: W,
    uuid: [u8; 16],
    devices: Vec<Device>,
    extent: Vec<Cluster>,
}

impl<W: Write> Writer<W> {
    /// Writes the header of an archive holding `configs` and `devices` (ids 1 to 255).
    pub fn new(mut w: W, header: &Header) -> io::Result<Self> {
        let invalid = |what: String| io::Error::new(io::ErrorKind::InvalidInput, what);
        // the blob buffer: one unused byte, then each blob's little-endian length and bytes
        let mut buffer = vec![0u8];
        let mut add = |bytes: &[u8]| -> io::Result<u32> {
            let len = u16::try_from(bytes.len())
                .map_err(|_| invalid(format!("a blob of {} bytes (at most 65535)", bytes.len())))?;
            let at = buffer.len() as u32;
            buffer.extend_from_slice(&len.to_le_bytes());
            buffer.extend_from_slice(bytes);
            Ok(at)
        };
        let mut head = vec![0u8; HEADER_FIXED];
        if header.configs.len() > 256 {
            return Err(invalid("more than 256 configuration files".into()));
        }
        for (i, c) in header.configs.iter().enumerate() {
            let mut n = c.name.as_bytes().to_vec();
            n.push(0);
            let n = add(&n)?;
            let d = add(&c.data)?;
            head[2044 + 4 * i..2048 + 4 * i].copy_from_slice(&n.to_be_bytes());
            head[3068 + 4 * i..3072 + 4 * i].copy_from_slice(&d.to_be_bytes());
        }
        for d in &header.devices {
            if d.id == 0 {
                return Err(invalid(format!(
                    "device `{}` has id 0 (ids are 1 to 255)",
                    d.name
                )));
            }
            let mut n = d.name.as_bytes().to_vec();
            n.push(0);
            let n = add(&n)?;
            let at = 4096 + 32 * d.id as usize;
            head[at..at + 4].copy_from_slice(&n.to_be_bytes());
            head[at + 8..at + 16].copy_from_slice(&d.size.to_be_bytes());
        }
        // the blob buffer's real size is recorded; the header is padded to 512 bytes
        let blob_size = buffer.len();
        buffer.resize(blob_size.div_ceil(512) * 512, 0);
        head.extend_from_slice(&buffer);
        head[..4].copy_from_slice(MAGIC);
        head[4..8].copy_from_slice(&1u32.to_be_bytes());
        head[8..24].copy_from_slice(&header.uuid);
        head[24..32].copy_from_slice(&header.ctime.to_be_bytes());
        head[48..52].copy_from_slice(&(HEADER_FIXED as u32).to_be_bytes());
        head[52..56].copy_from_slice(&(blob_size as u32).to_be_bytes());
        let header_size = head.len() as u32;
        head[56..60].copy_from_slice(&header_size.to_be_bytes());
        let sum = md5_with_hole(&head, 32);
        head[32..48].copy_from_slice(&sum);
        w.write_all(&head)?;
        Ok(Writer {
            w,
            uuid: header.uuid,
            devices: header.devices.clone(),
            extent: Vec::new(),
        })
    }

    /// Adds the 64 KiB at cluster `number` of device `device` (blocks of zeros are
    /// left out, as vzdump leaves them out).
    pub fn write_cluster(&mut self, device: u8, number: u32, bytes: &[u8]) -> io::Result<()> {
        if bytes.len() != CLUSTER_SIZE {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("a cluster of {} bytes (clusters are 64 KiB)", bytes.len()),
            ));
        }
        if !self.devices.iter().any(|d| d.id == device) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("device {device} is not in the header"),
            ));
        }
        let mut mask = 0u16;
        let mut data = Vec::new();
        for (i, block) in bytes.chunks(BLOCK_SIZE).enumerate() {
            if block.iter().any(|b| *b != 0) {
                mask |= 1 << i;
                data.extend_from_slice(block);
            }
        }
        self.extent.push(Cluster {
            device,
            number,
            mask,
            data,
        });
        if self.extent.len() == CLUSTERS_PER_EXTENT - 1 {
            self.flush_extent()?;
        }
        Ok(())
    }

    fn flush_extent(&mut self) -> io::Result<()> {
        if self.extent.is_empty() {
            return Ok(());
        }
        let mut head = [0u8; EXTENT_HEADER];
        head[..4].copy_from_slice(EXTENT_MAGIC);
        let blocks: u32 = self.extent.iter().map(|c| c.mask.count_ones()).sum();
        head[6..8].copy_from_slice(&(blocks as u16).to_be_bytes());
        head[8..24].copy_from_slice(&self.uuid);
        for (k, c) in self.extent.iter().enumerate() {
            let i = 40 + 8 * k;
            head[i..i + 2].copy_from_slice(&c.mask.to_be_bytes());
            head[i + 3] = c.device;
            head[i + 4..i + 8].copy_from_slice(&c.number.to_be_bytes());
        }
        let sum = md5_with_hole(&head, 24);
        head[24..40].copy_from_slice(&sum);
        self.w.write_all(&head)?;
        for c in self.extent.drain(..) {
            self.w.write_all(&c.data)?;
        }
        Ok(())
    }

    /// Writes what is left and hands the writer back.
    pub fn finish(mut self) -> io::Result<W> {
        self.flush_extent()?;
        self.w.flush()?;
        Ok(self.w)
    }
}

/// The archive in `file`, uncompressed, or compressed as vzdump compresses it (gzip,
/// zstd, lzop), told by its first bytes.
pub fn open(file: &std::path::Path) -> io::Result<Box<dyn Read + Send>> {
    decompressed(std::fs::File::open(file)?)
}

/// An archive read from `input` (a file, standard input), decompressed when its
/// first bytes are gzip's, zstd's or lzop's magic number.
pub fn decompressed(mut input: impl Read + Send + 'static) -> io::Result<Box<dyn Read + Send>> {
    let mut magic = [0u8; 4];
    let mut n = 0;
    while n < magic.len() {
        match input.read(&mut magic[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    let f = io::Cursor::new(magic[..n].to_vec()).chain(input);
    Ok(match magic {
        [0x1f, 0x8b, ..] => Box::new(io::BufReader::new(flate2::read::MultiGzDecoder::new(f))),
        [0x28, 0xb5, 0x2f, 0xfd] => Box::new(zstd::stream::read::Decoder::new(f)?),
        [0x89, b'L', b'Z', b'O'] => Box::new(lzop::LzopReader::new(io::BufReader::new(f))?),
        _ => Box::new(io::BufReader::new(f)),
    })
}
