//! A reading NBD client (the network block device protocol, as qemu serves it for
//! libvirt's pull-mode backups): the fixed-newstyle handshake, `NBD_OPT_GO` for one
//! export, then `NBD_CMD_READ` with simple replies. Enough to read a disk as it was
//! when its backup began, from a unix socket.
//! Protocol: <https://github.com/NetworkBlockDevice/nbd/blob/master/doc/proto.md>.

use std::{
    io::{self, Read, Write},
    os::unix::net::UnixStream,
    path::Path,
    sync::{
        Arc, Mutex, PoisonError,
        atomic::{AtomicU64, Ordering},
    },
};

const NBDMAGIC: u64 = 0x4e42_444d_4147_4943;
const IHAVEOPT: u64 = 0x4948_4156_454f_5054;
const REPLY_MAGIC: u64 = 0x0003_e889_0455_65a9;
const REQUEST_MAGIC: u32 = 0x2560_9513;
const SIMPLE_REPLY_MAGIC: u32 = 0x6744_6698;
const FLAG_FIXED_NEWSTYLE: u16 = 1;
const FLAG_NO_ZEROES: u16 = 2;
const OPT_ABORT: u32 = 2;
const OPT_GO: u32 = 7;
const REP_ACK: u32 = 1;
const REP_INFO: u32 = 3;
const INFO_EXPORT: u16 = 0;
const CMD_READ: u16 = 0;
const CMD_DISC: u16 = 2;
/// The largest read asked at once (qemu's server takes up to 32 MiB).
const MAX_READ: usize = 4 << 20;

fn invalid(what: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, what)
}

fn u16_of(r: &mut impl Read) -> io::Result<u16> {
    let mut b = [0; 2];
    r.read_exact(&mut b)?;
    Ok(u16::from_be_bytes(b))
}

fn u32_of(r: &mut impl Read) -> io::Result<u32> {
    let mut b = [0; 4];
    r.read_exact(&mut b)?;
    Ok(u32::from_be_bytes(b))
}

fn u64_of(r: &mut impl Read) -> io::Result<u64> {
    let mut b = [0; 8];
    r.read_exact(&mut b)?;
    Ok(u64::from_be_bytes(b))
}

/// One connection to one export.
#[derive(Debug)]
pub struct Nbd {
    sock: UnixStream,
    size: u64,
    cookie: u64,
    /// A read failed: what follows on the stream is not known, so no more are asked.
    broken: bool,
}

impl Nbd {
    /// Connects to `export` on the server at unix socket `path`.
    pub fn connect(path: &Path, export: &str) -> io::Result<Nbd> {
        let mut sock = UnixStream::connect(path)?;
        if u64_of(&mut sock)? != NBDMAGIC || u64_of(&mut sock)? != IHAVEOPT {
            return Err(invalid(format!(
                "{} is not a newstyle NBD server",
                path.display()
            )));
        }
        let flags = u16_of(&mut sock)?;
        if flags & FLAG_FIXED_NEWSTYLE == 0 {
            return Err(invalid(format!(
                "the NBD server at {} is not fixed-newstyle",
                path.display()
            )));
        }
        let client_flags = u32::from(FLAG_FIXED_NEWSTYLE | (flags & FLAG_NO_ZEROES));
        let name = export.as_bytes();
        let mut msg = Vec::with_capacity(32 + name.len());
        msg.extend_from_slice(&client_flags.to_be_bytes());
        msg.extend_from_slice(&IHAVEOPT.to_be_bytes());
        msg.extend_from_slice(&OPT_GO.to_be_bytes());
        msg.extend_from_slice(&(4 + name.len() as u32 + 2).to_be_bytes());
        msg.extend_from_slice(&(name.len() as u32).to_be_bytes());
        msg.extend_from_slice(name);
        msg.extend_from_slice(&0u16.to_be_bytes());
        sock.write_all(&msg)?;
        let mut size = None;
        loop {
            if u64_of(&mut sock)? != REPLY_MAGIC {
                return Err(invalid("a malformed NBD option reply".into()));
            }
            let _option = u32_of(&mut sock)?;
            let kind = u32_of(&mut sock)?;
            let len = u32_of(&mut sock)? as usize;
            if len > 1 << 20 {
                return Err(invalid(format!("an NBD option reply of {len} bytes")));
            }
            let mut data = vec![0; len];
            sock.read_exact(&mut data)?;
            match kind {
                REP_ACK => break,
                REP_INFO
                    if data.len() >= 12
                        && u16::from_be_bytes([data[0], data[1]]) == INFO_EXPORT =>
                {
                    let mut b = [0; 8];
                    b.copy_from_slice(&data[2..10]);
                    size = Some(u64::from_be_bytes(b));
                }
                k if k & 0x8000_0000 != 0 => {
                    // a clean goodbye (NBD_OPT_ABORT), so that the server logs no error
                    let mut abort = IHAVEOPT.to_be_bytes().to_vec();
                    abort.extend_from_slice(&OPT_ABORT.to_be_bytes());
                    abort.extend_from_slice(&0u32.to_be_bytes());
                    let _ = sock.write_all(&abort);
                    return Err(io::Error::other(format!(
                        "the NBD server refused export `{export}` (error {:#x}): {}",
                        k & 0x7fff_ffff,
                        String::from_utf8_lossy(&data)
                    )));
                }
                _ => {}
            }
        }
        let size = size.ok_or_else(|| invalid("the NBD server did not give the size".into()))?;
        Ok(Nbd {
            sock,
            size,
            cookie: 0,
            broken: false,
        })
    }

    /// The export's size in bytes.
    pub fn size(&self) -> u64 {
        self.size
    }

    fn request(&mut self, kind: u16, offset: u64, len: u32) -> io::Result<()> {
        self.cookie += 1;
        let mut msg = [0u8; 28];
        msg[0..4].copy_from_slice(&REQUEST_MAGIC.to_be_bytes());
        msg[6..8].copy_from_slice(&kind.to_be_bytes());
        msg[8..16].copy_from_slice(&self.cookie.to_be_bytes());
        msg[16..24].copy_from_slice(&offset.to_be_bytes());
        msg[24..28].copy_from_slice(&len.to_be_bytes());
        self.sock.write_all(&msg)
    }

    /// Fills `buf` from `offset` (which must lie within the export).
    pub fn read_at(&mut self, offset: u64, buf: &mut [u8]) -> io::Result<()> {
        if self.broken {
            return Err(io::Error::other(
                "an earlier read from the NBD server failed",
            ));
        }
        let read = self.read_parts(offset, buf);
        self.broken = read.is_err();
        read
    }

    fn read_parts(&mut self, offset: u64, buf: &mut [u8]) -> io::Result<()> {
        for (i, part) in buf.chunks_mut(MAX_READ).enumerate() {
            let at = offset + (i * MAX_READ) as u64;
            self.request(CMD_READ, at, part.len() as u32)?;
            if u32_of(&mut self.sock)? != SIMPLE_REPLY_MAGIC {
                return Err(invalid("a malformed NBD reply".into()));
            }
            let error = u32_of(&mut self.sock)?;
            if u64_of(&mut self.sock)? != self.cookie {
                return Err(invalid("an NBD reply to another request".into()));
            }
            if error != 0 {
                return Err(io::Error::from_raw_os_error(error as i32));
            }
            self.sock.read_exact(part)?;
        }
        Ok(())
    }
}

impl Drop for Nbd {
    fn drop(&mut self) {
        let _ = self.request(CMD_DISC, 0, 0);
    }
}

/// Reads an export sequentially from an offset, through a connection shared with
/// other readers (one at a time), counting the bytes read in `read`.
pub struct Reader {
    nbd: Arc<Mutex<Nbd>>,
    pos: u64,
    size: u64,
    read: Arc<AtomicU64>,
}

impl Reader {
    pub fn new(nbd: Arc<Mutex<Nbd>>, pos: u64, read: Arc<AtomicU64>) -> Reader {
        let size = nbd.lock().unwrap_or_else(PoisonError::into_inner).size();
        Reader {
            nbd,
            pos,
            size,
            read,
        }
    }
}

impl Read for Reader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let left = self.size.saturating_sub(self.pos);
        let n = buf
            .len()
            .min(MAX_READ)
            .min(usize::try_from(left).unwrap_or(MAX_READ));
        if n == 0 {
            return Ok(0);
        }
        self.nbd
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .read_at(self.pos, &mut buf[..n])?;
        self.pos += n as u64;
        self.read.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A real server: qemu-nbd serving a raw file (where it is installed).
    #[test]
    fn reads_what_qemu_nbd_serves() {
        if std::process::Command::new("qemu-nbd")
            .arg("--version")
            .output()
            .is_err()
        {
            eprintln!("qemu-nbd is not installed: skipped");
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let image = dir.path().join("disk.raw");
        // a whole number of sectors (qemu-nbd rounds a raw file's size up to one)
        let data: Vec<u8> = (0..(6u32 << 20) + 3 * 512)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        std::fs::write(&image, &data).unwrap();
        let sock = dir.path().join("nbd.sock");
        struct Killed(std::process::Child);
        impl Drop for Killed {
            fn drop(&mut self) {
                let _ = self.0.kill();
                let _ = self.0.wait();
            }
        }
        let _server = Killed(
            std::process::Command::new("qemu-nbd")
                .args(["-f", "raw", "-r", "-t", "-e", "2", "-x", "disk0", "-k"])
                .arg(&sock)
                .arg(&image)
                .spawn()
                .unwrap(),
        );
        let start = std::time::Instant::now();
        while !sock.exists() && start.elapsed() < std::time::Duration::from_secs(10) {
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        let refused = Nbd::connect(&sock, "nope").unwrap_err();
        assert!(refused.to_string().contains("`nope`"), "{refused}");
        let nbd = Arc::new(Mutex::new(Nbd::connect(&sock, "disk0").unwrap()));
        assert_eq!(nbd.lock().unwrap().size(), data.len() as u64);
        let count = Arc::new(AtomicU64::new(0));
        let mut all = Vec::new();
        Reader::new(nbd.clone(), 0, count.clone())
            .read_to_end(&mut all)
            .unwrap();
        assert!(all == data, "the whole export");
        let mut tail = Vec::new();
        Reader::new(nbd, 5 << 20, count.clone())
            .read_to_end(&mut tail)
            .unwrap();
        assert!(tail == data[5 << 20..], "from an offset");
        assert_eq!(
            count.load(Ordering::Relaxed),
            (data.len() + data.len() - (5 << 20)) as u64
        );
    }
}
