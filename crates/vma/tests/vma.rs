//! The reader and writer against a real archive (`fixtures/test.vma.gz`): its header,
//! configuration and clusters checked against values computed by an independent
//! parse; the writer reproducing it byte for byte; damaged and truncated archives
//! refused with where, never a panic.

use std::{io::Read, path::PathBuf};

use npbackup_vma::{CLUSTER_SIZE, Cluster, Error, Reader, Writer, open};
use sha2::{Digest, Sha256};

fn fixture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/test.vma.gz")
}

/// The fixture, uncompressed.
fn archive() -> Vec<u8> {
    let mut bytes = Vec::new();
    open(&fixture()).unwrap().read_to_end(&mut bytes).unwrap();
    bytes
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn clusters(bytes: &[u8]) -> Result<Vec<Cluster>, Error> {
    let mut r = Reader::new(bytes)?;
    let mut out = Vec::new();
    while let Some(c) = r.next_cluster()? {
        out.push(c);
    }
    Ok(out)
}

#[test]
fn the_real_archive_reads_as_an_independent_parse_reads_it() {
    let bytes = archive();
    assert_eq!(bytes.len(), 538_112);
    let r = Reader::new(&bytes[..]).unwrap();
    let h = r.header().clone();
    assert_eq!(h.ctime, 1_635_680_622);
    assert_eq!(h.devices.len(), 1);
    assert_eq!(h.devices[0].id, 1);
    assert_eq!(h.devices[0].name, "drive-scsi0");
    assert_eq!(h.devices[0].size, 10 * 1024 * 1024 * 1024);
    assert_eq!(h.configs.len(), 1);
    assert_eq!(h.configs[0].name, "qemu-server.conf");
    let conf = String::from_utf8(h.configs[0].data.clone()).unwrap();
    assert_eq!(conf.len(), 417);
    assert!(
        conf.starts_with("boot: order=scsi0;ide2;net0\ncores: 1\n"),
        "{conf}"
    );
    assert!(
        conf.ends_with("#qmdump#map:scsi0:drive-scsi0:local-lvm:raw:\n"),
        "{conf}"
    );
    assert_eq!(
        hex(&Sha256::digest(&h.configs[0].data)),
        "383cc8e9ab35d6a56b9a83b502263942253c807216c83eccae89a23ef040f950"
    );

    let cs = clusters(&bytes).unwrap();
    assert_eq!(cs.len(), 116);
    assert_eq!(cs.iter().map(|c| c.mask.count_ones()).sum::<u32>(), 128);
    assert_eq!((cs[0].number, cs[0].mask), (0, 0xffff));
    assert_eq!(
        hex(&Sha256::digest(cs[0].expand())),
        "cf4adcf1933a8c9a0a3ff5588e1400e6beea8a32212b3a35ba08c7b08e4e6b1f"
    );
    // the device's first 167 clusters, put in place
    let last = cs.iter().map(|c| c.number).max().unwrap() as usize;
    assert_eq!(last, 166);
    let mut image = vec![0u8; (last + 1) * CLUSTER_SIZE];
    for c in &cs {
        let at = c.offset() as usize;
        image[at..at + CLUSTER_SIZE].copy_from_slice(&c.expand());
    }
    assert_eq!(
        hex(&Sha256::digest(&image)),
        "aab5065ff973dd7d21c09e966546635e95c28be6dd1e4e01ae742420a1fbd825"
    );
}

#[test]
fn the_writer_reproduces_the_real_archive_byte_for_byte() {
    let bytes = archive();
    let r = Reader::new(&bytes[..]).unwrap();
    let header = r.header().clone();
    let mut w = Writer::new(Vec::new(), &header).unwrap();
    for c in clusters(&bytes).unwrap() {
        w.write_cluster(c.device, c.number, &c.expand()).unwrap();
    }
    let written = w.finish().unwrap();
    assert_eq!(written.len(), bytes.len());
    assert!(written == bytes, "the rewritten archive differs");

    // and an archive of our own, in another cluster order, reads back the same
    let mut w = Writer::new(Vec::new(), &header).unwrap();
    let mut cs = clusters(&bytes).unwrap();
    cs.reverse();
    for c in &cs {
        w.write_cluster(c.device, c.number, &c.expand()).unwrap();
    }
    let ours = w.finish().unwrap();
    let back = Reader::new(&ours[..]).unwrap();
    assert_eq!(back.header(), &header);
    assert_eq!(clusters(&ours).unwrap(), cs);
}

#[test]
fn damaged_and_truncated_archives_say_where() {
    let bytes = archive();
    let err = |b: &[u8]| clusters(b).unwrap_err().to_string();

    // cut inside the second extent's data
    let cut = &bytes[..bytes.len() - 1000];
    let e = err(cut);
    assert!(
        e.contains("truncated") && e.contains("extent's data"),
        "{e}"
    );
    // cut inside the header
    let e = err(&bytes[..5000]);
    assert!(e.contains("at byte 5000") && e.contains("truncated"), "{e}");
    // a changed byte of the configuration: the header's checksum
    let mut b = bytes.clone();
    b[12_300] ^= 1;
    let e = err(&b);
    assert!(e.starts_with("at byte 32:") && e.contains("MD5"), "{e}");
    // a changed cluster number: the extent's checksum, at the extent's offset
    let mut b = bytes.clone();
    b[12_800 + 48] ^= 1;
    let e = err(&b);
    assert!(e.starts_with("at byte 12824:") && e.contains("MD5"), "{e}");
    // a gzip file given as is, and text
    let gz = std::fs::read(fixture()).unwrap();
    assert!(err(&gz).contains("not a VMA archive"));
    assert!(err(b"hello").contains("truncated"));

    // no change of any byte of the headers makes the reader panic
    for at in (0..13_312).step_by(7) {
        let mut b = bytes.clone();
        b[at] = b[at].wrapping_add(0x5a);
        let _ = clusters(&b);
    }
}

#[test]
fn compressed_dumps_open_as_vzdump_writes_them() {
    let bytes = archive();
    let dir = std::env::temp_dir().join(format!("npbackup-vma-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let read = |file: &std::path::Path| {
        let mut back = Vec::new();
        open(file).unwrap().read_to_end(&mut back).unwrap();
        back
    };
    let zst = dir.join("dump.vma.zst");
    std::fs::write(&zst, zstd::encode_all(&bytes[..], 3).unwrap()).unwrap();
    assert!(read(&zst) == bytes);
    let raw = dir.join("dump.vma");
    std::fs::write(&raw, &bytes).unwrap();
    assert!(read(&raw) == bytes);
    // vzdump --compress lzo pipes the archive through the real lzop
    let lzo = dir.join("dump.vma.lzo");
    let status = std::process::Command::new("lzop")
        .arg("-o")
        .arg(&lzo)
        .arg(&raw)
        .status()
        .expect("lzop (installed by scripts/install-deps.sh)");
    assert!(status.success());
    assert!(read(&lzo) == bytes);
    let reader = Reader::new(open(&lzo).unwrap()).unwrap();
    assert_eq!(reader.header().devices[0].name, "drive-scsi0");
    // an lzop file cut inside its header
    let cut = dir.join("cut.vma.lzo");
    std::fs::write(&cut, &std::fs::read(&lzo).unwrap()[..20]).unwrap();
    let e = open(&cut).err().unwrap().to_string();
    assert!(
        e.contains("lzop file at byte") && e.contains("cut short"),
        "{e}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
