//! Exporting part of a snapshot as one stream: a file's bytes, or a folder as a
//! tar, tar.gz or zip archive, written as it is read (memory stays bounded by the
//! repository's pack cache, whatever the size), for downloads from the web
//! interface. Names are kept byte for byte in tar; zip takes UTF-8 names, so a
//! name that is not UTF-8 is written with U+FFFD there (and counted in
//! `renamed`). An entry whose name could escape the archive's folder (`..`, `/`)
//! is left out and counted in `skipped`.

use std::{
    io::Write,
    path::{Component, Path, PathBuf},
};

use rustic_core::{
    LsOptions, Repository,
    repofile::{Node, NodeType},
};
use serde::{Deserialize, Serialize};

use super::{OpenRepo, Snapshot};
use crate::error::{Error, Result};

/// What to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ExportFormat {
    /// One file's bytes, as they were backed up.
    File,
    Tar,
    TarGz,
    Zip,
    /// A folder that `backup --vma` wrote (`/vzdump/NAME`) as a Proxmox VMA archive
    /// again: its configuration files, and each `*.raw` disk as a device.
    Vma,
}

impl ExportFormat {
    /// The file name ending of this format ("" for a file).
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::File => "",
            ExportFormat::Tar => ".tar",
            ExportFormat::TarGz => ".tar.gz",
            ExportFormat::Zip => ".zip",
            ExportFormat::Vma => ".vma",
        }
    }

    /// The HTTP content type.
    pub fn content_type(self) -> &'static str {
        match self {
            ExportFormat::File | ExportFormat::Vma => "application/octet-stream",
            ExportFormat::Tar => "application/x-tar",
            ExportFormat::TarGz => "application/gzip",
            ExportFormat::Zip => "application/zip",
        }
    }
}

/// What an export wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportSummary {
    pub files: u64,
    pub folders: u64,
    pub symlinks: u64,
    /// Bytes of file content (before the archive's own framing or compression).
    pub bytes: u64,
    /// Entries left out: special files (devices, sockets, fifos) and names that
    /// could escape the archive's folder.
    pub skipped: u64,
    /// Names written with U+FFFD in place of bytes that are not UTF-8 (zip only).
    pub renamed: u64,
}

/// Counts what goes through, to check a file's size against its node.
struct Counting<W> {
    inner: W,
    written: u64,
}

impl<W: Write> Write for Counting<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.written += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// A name inside the archive is safe when it is a plain relative path.
fn safe(path: &Path) -> bool {
    path.components().all(|c| matches!(c, Component::Normal(_))) && path.components().count() > 0
}

/// Writes `path` of `snap` to `out` as `format`.
pub fn export(
    open: OpenRepo,
    snap: &Snapshot,
    path: &str,
    format: ExportFormat,
    out: &mut dyn Write,
) -> Result<ExportSummary> {
    let snap = &snap.0;
    let repo: Repository<_> = open
        .repo
        .to_indexed()
        .map_err(crate::index_error(&open.uri))?;
    let at = super::browse::absolute(path);
    let at_text = at.to_string_lossy().to_string();
    let node = super::browse::node_at(&repo, snap, &at_text)?;
    let writing =
        |e: std::io::Error| Error::io(crate::t!("io-writing"), crate::t!("export-the-download"), e);
    let reading = |p: &Path, e: &rustic_core::RusticError| {
        crate::engine_error(
            crate::t!(
                "browse-reading-from-snapshot",
                path = p.to_string_lossy().to_string()
            ),
            e,
        )
    };
    let mut summary = ExportSummary::default();
    if format == ExportFormat::File {
        if !node.is_file() {
            return Err(Error::Input(crate::t!(
                "export-not-a-file",
                path = at_text.as_str()
            )));
        }
        let mut counted = Counting {
            inner: &mut *out,
            written: 0,
        };
        repo.dump(&node, &mut counted)
            .map_err(|e| reading(&at, &e))?;
        counted.flush().map_err(writing)?;
        summary.files = 1;
        summary.bytes = counted.written;
        return Ok(summary);
    }
    if format == ExportFormat::Vma {
        return export_vma(&repo, &node, &at, out);
    }
    // the archive holds the folder itself: /home/ann/docs → docs/…
    let root = match at.file_name() {
        Some(name) => PathBuf::from(name),
        None => PathBuf::from("snapshot"),
    };
    let mut entries: Box<dyn Iterator<Item = rustic_core::RusticResult<(PathBuf, Node)>>> =
        if node.is_dir() {
            Box::new(
                repo.ls(&node, &LsOptions::default())
                    .map_err(|e| reading(&at, &e))?,
            )
        } else {
            Box::new(std::iter::once(Ok((PathBuf::new(), node.clone()))))
        };
    let mut archive = Archive::new(format, out);
    if node.is_dir() {
        archive.add(&root, &node, None).map_err(writing)?;
        summary.folders += 1;
    }
    for item in entries.by_ref() {
        let (rel, n) = item.map_err(|e| reading(&at, &e))?;
        let name = if rel.as_os_str().is_empty() {
            root.clone()
        } else {
            root.join(&rel)
        };
        if !safe(&rel) && !rel.as_os_str().is_empty() {
            tracing::warn!("export: left out {:?}: not a plain name", rel);
            summary.skipped += 1;
            continue;
        }
        if format == ExportFormat::Zip && name.to_str().is_none() {
            summary.renamed += 1;
        }
        match &n.node_type {
            NodeType::Dir => {
                archive.add(&name, &n, None).map_err(writing)?;
                summary.folders += 1;
            }
            NodeType::Symlink { .. } => {
                archive.add(&name, &n, None).map_err(writing)?;
                summary.symlinks += 1;
            }
            NodeType::File => {
                let full = at.join(&rel);
                let written = archive
                    .add(
                        &name,
                        &n,
                        Some(&mut |w: &mut dyn Write| {
                            let mut counted = Counting {
                                inner: w,
                                written: 0,
                            };
                            repo.dump(&n, &mut counted)
                                .map_err(|e| reading(&full, &e))?;
                            Ok(counted.written)
                        }),
                    )
                    .map_err(|e| match e.downcast::<Error>() {
                        Ok(err) => err,
                        Err(io) => writing(io),
                    })?;
                summary.files += 1;
                summary.bytes += written;
            }
            _ => summary.skipped += 1,
        }
    }
    archive.finish().map_err(writing)?;
    Ok(summary)
}

/// Writes the folder `node` (at `at`) as a VMA archive: the files it holds
/// directly, `NAME.raw` as device `NAME` (ids in name order), the others as
/// configuration files; the archive's time is the newest disk's (the dump's).
fn export_vma(
    repo: &Repository<rustic_core::IndexedFullStatus>,
    node: &Node,
    at: &Path,
    out: &mut dyn Write,
) -> Result<ExportSummary> {
    let at_text = at.to_string_lossy().to_string();
    let reading = |p: &Path, e: &rustic_core::RusticError| {
        crate::engine_error(
            crate::t!(
                "browse-reading-from-snapshot",
                path = p.to_string_lossy().to_string()
            ),
            e,
        )
    };
    let writing =
        |e: std::io::Error| Error::io(crate::t!("io-writing"), crate::t!("export-the-download"), e);
    if !node.is_dir() {
        return Err(Error::Input(crate::t!(
            "export-vma-not-a-folder",
            path = at_text.as_str()
        )));
    }
    let mut disks = Vec::new();
    let mut configs = Vec::new();
    for item in repo
        .ls(node, &LsOptions::default().recursive(false))
        .map_err(|e| reading(at, &e))?
    {
        let (rel, n) = item.map_err(|e| reading(at, &e))?;
        if !n.is_file() {
            continue;
        }
        let name = rel.to_string_lossy().to_string();
        match name.strip_suffix(".raw") {
            Some(device) => disks.push((device.to_string(), n)),
            None => configs.push((name, n)),
        }
    }
    if disks.is_empty() {
        return Err(Error::Input(crate::t!(
            "export-vma-no-disk",
            path = at_text.as_str()
        )));
    }
    if disks.len() > 255 {
        return Err(Error::Input(crate::t!(
            "export-vma-too-many",
            path = at_text.as_str()
        )));
    }
    disks.sort_by(|a, b| a.0.cmp(&b.0));
    configs.sort_by(|a, b| a.0.cmp(&b.0));
    let mut summary = ExportSummary {
        folders: 1,
        ..Default::default()
    };
    let mut header = npbackup_vma::Header {
        uuid: [0; 16],
        ctime: disks
            .iter()
            .filter_map(|(_, n)| n.meta.mtime.map(|t| t.as_second().max(0) as u64))
            .max()
            .unwrap_or(0),
        configs: Vec::new(),
        devices: Vec::new(),
    };
    getrandom::fill(&mut header.uuid).map_err(|e| Error::Input(e.to_string()))?;
    for (name, n) in &configs {
        if n.meta.size > u64::from(u16::MAX) {
            return Err(Error::Input(crate::t!(
                "export-vma-config-too-big",
                path = at.join(name).to_string_lossy().to_string()
            )));
        }
        let mut data = Vec::new();
        repo.dump(n, &mut data)
            .map_err(|e| reading(&at.join(name), &e))?;
        summary.files += 1;
        summary.bytes += data.len() as u64;
        header.configs.push(npbackup_vma::Config {
            name: name.clone(),
            data,
        });
    }
    for (i, (name, n)) in disks.iter().enumerate() {
        header.devices.push(npbackup_vma::Device {
            id: i as u8 + 1,
            name: name.clone(),
            size: n.meta.size,
        });
    }
    let mut writer = npbackup_vma::Writer::new(out, &header).map_err(writing)?;
    for (i, (name, n)) in disks.iter().enumerate() {
        let mut clusters = Clusters {
            writer: &mut writer,
            device: i as u8 + 1,
            number: 0,
            buffer: Vec::with_capacity(npbackup_vma::CLUSTER_SIZE),
            written: 0,
        };
        repo.dump(n, &mut clusters)
            .map_err(|e| reading(&at.join(format!("{name}.raw")), &e))?;
        clusters.finish().map_err(writing)?;
        summary.files += 1;
        summary.bytes += clusters.written;
    }
    writer.finish().map_err(writing)?;
    Ok(summary)
}

/// A disk's bytes cut into the clusters of its device.
struct Clusters<'a, W: Write> {
    writer: &'a mut npbackup_vma::Writer<W>,
    device: u8,
    number: u32,
    buffer: Vec<u8>,
    written: u64,
}

impl<W: Write> Clusters<'_, W> {
    fn cluster(&mut self) -> std::io::Result<()> {
        self.buffer.resize(npbackup_vma::CLUSTER_SIZE, 0);
        self.writer
            .write_cluster(self.device, self.number, &self.buffer)?;
        self.buffer.clear();
        self.number += 1;
        Ok(())
    }

    /// The last, partial cluster, padded with zeros.
    fn finish(&mut self) -> std::io::Result<()> {
        if !self.buffer.is_empty() {
            self.cluster()?;
        }
        Ok(())
    }
}

impl<W: Write> Write for Clusters<'_, W> {
    fn write(&mut self, mut buf: &[u8]) -> std::io::Result<usize> {
        let n = buf.len();
        while !buf.is_empty() {
            let room = npbackup_vma::CLUSTER_SIZE - self.buffer.len();
            let (now, later) = buf.split_at(room.min(buf.len()));
            self.buffer.extend_from_slice(now);
            buf = later;
            if self.buffer.len() == npbackup_vma::CLUSTER_SIZE {
                self.cluster()?;
            }
        }
        self.written += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A file's content writer: writes the content, gives how many bytes it wrote.
type Content<'a> = &'a mut dyn FnMut(&mut dyn Write) -> Result<u64>;

/// The engine's error, inside an I/O error on its way out of the archive writer
/// (taken out again with `io::Error::downcast`).
fn carry(e: Error) -> std::io::Error {
    std::io::Error::other(e)
}

enum Archive<'w> {
    Tar(tar::Builder<Box<dyn Write + 'w>>),
    Zip(Box<zip::ZipWriter<zip::write::StreamWriter<&'w mut dyn Write>>>),
}

impl<'w> Archive<'w> {
    fn new(format: ExportFormat, out: &'w mut dyn Write) -> Self {
        match format {
            ExportFormat::Zip => Archive::Zip(Box::new(zip::ZipWriter::new_stream(out))),
            ExportFormat::TarGz => Archive::Tar(tar::Builder::new(Box::new(
                flate2::write::GzEncoder::new(out, flate2::Compression::new(6)),
            ))),
            _ => Archive::Tar(tar::Builder::new(Box::new(out))),
        }
    }

    /// Adds one entry; for a file, `content` writes its bytes. Gives the bytes written.
    fn add(
        &mut self,
        name: &Path,
        node: &Node,
        content: Option<Content<'_>>,
    ) -> std::io::Result<u64> {
        let mtime = node.meta.mtime.map(|t| t.as_second()).unwrap_or(0);
        let mode = node.meta.mode.unwrap_or(match node.node_type {
            NodeType::Dir => 0o755,
            _ => 0o644,
        }) & 0o7777;
        match self {
            Archive::Tar(b) => {
                let mut h = tar::Header::new_gnu();
                h.set_mtime(u64::try_from(mtime).unwrap_or(0));
                h.set_mode(mode);
                h.set_uid(u64::from(node.meta.uid.unwrap_or(0)));
                h.set_gid(u64::from(node.meta.gid.unwrap_or(0)));
                match &node.node_type {
                    NodeType::Dir => {
                        h.set_entry_type(tar::EntryType::Directory);
                        h.set_size(0);
                        b.append_data(&mut h, name, std::io::empty())?;
                        Ok(0)
                    }
                    NodeType::Symlink { .. } => {
                        h.set_entry_type(tar::EntryType::Symlink);
                        h.set_size(0);
                        b.append_link(&mut h, name, node.node_type.to_link())?;
                        Ok(0)
                    }
                    _ => {
                        let size = node.meta.size;
                        h.set_entry_type(tar::EntryType::Regular);
                        h.set_size(size);
                        // the header (and a long name's extra entry), then the content
                        // straight from the repository, then the padding to 512 bytes
                        b.append_data(&mut h, name, std::io::empty())?;
                        let w = b.get_mut();
                        let written = match content {
                            Some(c) => c(w).map_err(carry)?,
                            None => 0,
                        };
                        if written != size {
                            return Err(carry(Error::Input(crate::t!(
                                "export-size-differs",
                                path = name.to_string_lossy().to_string(),
                                expected = size,
                                read = written
                            ))));
                        }
                        let pad = (512 - size % 512) % 512;
                        w.write_all(&vec![0u8; pad as usize])?;
                        Ok(written)
                    }
                }
            }
            Archive::Zip(z) => {
                let name_text = name.to_string_lossy().replace('\\', "/");
                let when = zip_time(mtime);
                let opts = zip::write::SimpleFileOptions::default()
                    .unix_permissions(mode)
                    .last_modified_time(when)
                    .large_file(node.meta.size >= u64::from(u32::MAX));
                match &node.node_type {
                    NodeType::Dir => {
                        z.add_directory(format!("{name_text}/"), opts)
                            .map_err(std::io::Error::other)?;
                        Ok(0)
                    }
                    NodeType::Symlink { .. } => {
                        z.add_symlink(
                            name_text,
                            node.node_type.to_link().to_string_lossy().to_string(),
                            opts,
                        )
                        .map_err(std::io::Error::other)?;
                        Ok(0)
                    }
                    _ => {
                        // stored: a backup's data is mostly compressed already, and deflate held a
                        // download to ~50 MB/s of CPU (tar.gz is the compressed choice)
                        let opts = opts.compression_method(zip::CompressionMethod::Stored);
                        z.start_file(name_text, opts)
                            .map_err(std::io::Error::other)?;
                        match content {
                            Some(c) => c(z.as_mut()).map_err(carry),
                            None => Ok(0),
                        }
                    }
                }
            }
        }
    }

    fn finish(self) -> std::io::Result<()> {
        match self {
            Archive::Tar(b) => {
                let mut inner = b.into_inner()?;
                inner.flush()
            }
            Archive::Zip(z) => {
                let mut inner = (*z).finish().map_err(std::io::Error::other)?;
                inner.flush()
            }
        }
    }
}

/// Zip's DOS time (local fields, 1980–2107), from seconds since 1970.
fn zip_time(seconds: i64) -> zip::DateTime {
    let fallback = zip::DateTime::default();
    let Ok(ts) = jiff::Timestamp::from_second(seconds) else {
        return fallback;
    };
    let dt = ts.to_zoned(jiff::tz::TimeZone::UTC).datetime();
    zip::DateTime::from_date_and_time(
        u16::try_from(dt.year()).unwrap_or(1980),
        dt.month() as u8,
        dt.day() as u8,
        dt.hour() as u8,
        dt.minute() as u8,
        dt.second() as u8,
    )
    .unwrap_or(fallback)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_could_escape_are_not_safe() {
        assert!(safe(Path::new("docs/a.txt")));
        assert!(!safe(Path::new("../etc/passwd")));
        assert!(!safe(Path::new("/etc/passwd")));
        assert!(!safe(Path::new("a/../../b")));
        assert!(!safe(Path::new("")));
    }

    #[test]
    fn zip_times_outside_dos_range_fall_back() {
        assert_eq!(zip_time(0), zip::DateTime::default());
        let t = zip_time(1_700_000_000);
        assert_eq!((t.year(), t.month(), t.day()), (2023, 11, 14));
    }
}
