//! Repository statistics: snapshot count, stored size, raw (uncompressed) data size.

use rustic_core::repofile::BlobType;
use serde::Serialize;

use super::OpenRepo;
use crate::error::Result;

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct RepoStats {
    pub snapshots: usize,
    /// Bytes a restore of the newest snapshot writes (from its summary, when it has one).
    pub latest_restore_size: Option<u64>,
    /// Bytes a restore of every snapshot would write, summed over the snapshots
    /// that carry a summary (restic's "restore-size" mode).
    pub total_restore_size: u64,
    pub packs: u64,
    /// Bytes the repository occupies on its storage (all files).
    pub stored_size: u64,
    pub data_blobs: u64,
    pub tree_blobs: u64,
    /// Bytes of unique data before compression.
    pub raw_data_size: u64,
    /// Bytes of unique data as stored in packs (after compression).
    pub packed_data_size: u64,
    /// Compression ratio raw ÷ packed (1.0 when uncompressed).
    pub compression_ratio: f64,
    pub repository_version: u32,
}

pub fn stats(open: &OpenRepo) -> Result<RepoStats> {
    let repo = &open.repo;
    let files = repo
        .infos_files()
        .map_err(|e| crate::engine_error(crate::t!("engine-listing-files"), &e))?;
    let index = repo
        .infos_index()
        .map_err(|e| crate::engine_error(crate::t!("engine-reading-index"), &e))?;
    let mut all = repo
        .get_all_snapshots()
        .map_err(|e| crate::engine_error(crate::t!("engine-reading-snapshots"), &e))?;
    all.sort_by(|a, b| a.time.cmp(&b.time));
    let snapshots = all.len();
    let latest_restore_size = all
        .last()
        .and_then(|s| s.summary.as_ref())
        .map(|s| s.total_bytes_processed);
    let total_restore_size = all
        .iter()
        .filter_map(|s| s.summary.as_ref())
        .map(|s| s.total_bytes_processed)
        .sum();
    let stored_size = files.repo.iter().map(|f| f.size).sum();
    let packs = index.packs.iter().map(|p| p.count).sum();
    let blobs = |t: BlobType| index.blobs.iter().filter(move |b| b.blob_type == t);
    let data_blobs = blobs(BlobType::Data).map(|b| b.count).sum();
    let tree_blobs = blobs(BlobType::Tree).map(|b| b.count).sum();
    let raw_data_size: u64 = blobs(BlobType::Data).map(|b| b.data_size).sum();
    let packed_data_size: u64 = blobs(BlobType::Data).map(|b| b.size).sum();
    Ok(RepoStats {
        snapshots,
        latest_restore_size,
        total_restore_size,
        packs,
        stored_size,
        data_blobs,
        tree_blobs,
        raw_data_size,
        packed_data_size,
        compression_ratio: if packed_data_size == 0 {
            1.0
        } else {
            raw_data_size as f64 / packed_data_size as f64
        },
        repository_version: repo.config().version,
    })
}
