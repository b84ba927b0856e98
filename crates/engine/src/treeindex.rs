//! Where each folder (tree blob) of the repository is stored, for browsing.
//!
//! rustic_core answers "where is this tree?" only after reading the whole
//! index, data blobs included: on a snapshot of a million files that is tens of
//! megabytes of JSON, most of a second, before a browser can show anything. The
//! browser only ever reads trees, so it keeps its own, much smaller, list of tree
//! locations in the local cache: built once from the index files, then brought up
//! to date by reading only the index files that appeared since (a backup adds
//! one or a few) and dropping those that went (prune). Index files never change
//! once written, so a list built from a file stays right for as long as the file
//! exists.
//!
//! The cached list is encrypted and authenticated with the repository's key
//! (like every file of the repository), so it tells nothing to whoever reads the
//! cache folder, and a damaged or foreign one is rebuilt, not believed. With the
//! cache turned off (`no-cache`) the list is built in memory for the session.
//!
//! For a repository that is not on a local disk, the packs holding trees are kept
//! in the cache too (as rustic_core's own cache does), so going back to a folder
//! or searching again does not download them again.

use std::{
    collections::{BTreeMap, HashMap, HashSet},
    path::PathBuf,
    sync::Arc,
};

use rustic_core::{
    FileType, Id, ReadBackend, TreeId,
    repofile::{Node, Tree},
};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::{OpenRepo, crypto::RepoKey};
use crate::error::{Error, Result};

const MAGIC: &[u8; 8] = b"NPBTREES";
const VERSION: u8 = 1;

/// Where one tree is: its pack (an index into `FileTrees::packs`) and its bytes there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Loc {
    pack: u32,
    offset: u32,
    length: u32,
    /// 0 when the blob is not compressed.
    uncompressed: u32,
}

/// The trees listed by one index file.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
struct FileTrees {
    packs: Vec<Id>,
    trees: Vec<(Id, Loc)>,
}

/// The tree locations of a repository, by the index file that lists them.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
struct Listing {
    files: BTreeMap<Id, FileTrees>,
}

/// Reads the repository's trees without its full index.
pub struct TreeReader {
    backend: Arc<dyn rustic_core::WriteBackend>,
    key: RepoKey,
    /// Tree id → (its pack, where in it).
    trees: HashMap<Id, (Id, Loc)>,
    /// Where tree packs of a remote repository are kept, when cached.
    pack_cache: Option<PathBuf>,
}

/// How the list of trees was had, for the log and the benchmark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoadStats {
    /// Index files whose trees came from the cache.
    pub cached: usize,
    /// Index files read from the repository.
    pub read: usize,
    pub trees: usize,
}

/// What a tree list is made from: the repository's backend, key and cache
/// folder, taken from an open repository before it is used for something else.
pub struct TreeSource {
    backend: Arc<dyn rustic_core::WriteBackend>,
    key: RepoKey,
    /// `<cache>/trees/<repository id>`, when caching.
    repo_dir: Option<PathBuf>,
    uri: String,
    remote: bool,
}

impl TreeSource {
    pub fn of(open: &OpenRepo) -> Result<TreeSource> {
        Ok(TreeSource {
            backend: open.backends.repository(),
            key: RepoKey::of(&open.repo)?,
            repo_dir: open.cache_dir.as_ref().map(|d| {
                d.join("trees")
                    .join(open.repo.config().id.to_hex().as_str())
            }),
            uri: open.uri.clone(),
            remote: open.location.local_path().is_none(),
        })
    }

    /// Whether the list is kept between sessions.
    pub fn is_cached(&self) -> bool {
        self.repo_dir.is_some()
    }
}

impl TreeReader {
    /// Lists the repository's index files and gets their trees from the cache,
    /// reading only the index files the cache does not know.
    pub fn load(open: &OpenRepo) -> Result<(TreeReader, LoadStats)> {
        TreeReader::load_from(TreeSource::of(open)?)
    }

    pub fn load_from(source: TreeSource) -> Result<(TreeReader, LoadStats)> {
        let TreeSource {
            backend,
            key,
            repo_dir,
            uri,
            remote,
        } = source;
        let listed = backend.list(FileType::Index).map_err(|e| {
            crate::engine_error(
                crate::t!("browse-listing-index-files", location = uri.as_str()),
                &e,
            )
        })?;

        let mut cached = repo_dir
            .as_ref()
            .and_then(|d| std::fs::read(d.join("index")).ok())
            .and_then(|bytes| key.decrypt(&bytes))
            .and_then(|plain| Listing::decode(&plain))
            .unwrap_or_default();
        let missing: Vec<Id> = listed
            .iter()
            .filter(|id| !cached.files.contains_key(id))
            .copied()
            .collect();
        let read = missing.len();
        let mut listing = Listing::default();
        for (id, file) in read_index_files(backend.as_ref(), &key, &missing) {
            let file = file.map_err(|why| {
                Error::Input(crate::t!(
                    "browse-index-file-unreadable",
                    id = short(&id),
                    location = uri.as_str(),
                    cause = why
                ))
            })?;
            listing.files.insert(id, file);
        }
        for id in &listed {
            if let Some(f) = cached.files.remove(id) {
                listing.files.insert(*id, f);
            }
        }
        let stats = LoadStats {
            cached: listed.len() - read,
            read,
            trees: listing.files.values().map(|f| f.trees.len()).sum(),
        };
        // what is left of the cached list are index files that went (prune)
        let changed = read > 0 || !cached.files.is_empty();
        if let (Some(dir), true) = (&repo_dir, changed) {
            // a cache that cannot be written costs the next session time, nothing else
            match key.encrypt(&listing.encode()) {
                Ok(bytes) => {
                    if let Err(e) =
                        crate::fsutil::write_atomic_in_new_folder(&dir.join("index"), &bytes, None)
                    {
                        tracing::warn!("cannot keep the tree list in {}: {e}", dir.display());
                    }
                }
                Err(e) => tracing::warn!("cannot keep the tree list: {e}"),
            }
        }

        let pack_cache = repo_dir.filter(|_| remote).map(|d| d.join("packs"));
        if let Some(dir) = &pack_cache {
            forget_unlisted_packs(dir, &listing);
        }
        let trees = listing
            .files
            .values()
            .flat_map(|f| {
                f.trees.iter().filter_map(|(id, loc)| {
                    // `decode` and `trees_of_index` only make pack numbers in range
                    let pack = f.packs.get(loc.pack as usize)?;
                    Some((*id, (*pack, *loc)))
                })
            })
            .collect();
        Ok((
            TreeReader {
                backend,
                key,
                trees,
                pack_cache,
            },
            stats,
        ))
    }

    /// The entries of the tree `id`.
    pub fn tree(&self, id: &TreeId) -> Result<Vec<Node>> {
        let id: &Id = id;
        let damaged = |why: String| {
            Error::Input(crate::t!(
                "browse-folder-unreadable",
                id = short(id),
                cause = why
            ))
        };
        let (pack, loc) = self
            .trees
            .get(id)
            .ok_or_else(|| damaged(crate::t!("browse-why-not-indexed")))?;
        let data = self.read_pack_part(pack, loc)?;
        let plain = self
            .key
            .decrypt(&data)
            .ok_or_else(|| damaged(crate::t!("browse-why-no-decrypt")))?;
        let plain = match loc.uncompressed {
            0 => plain,
            n => zstd::bulk::decompress(&plain, n as usize).map_err(|e| {
                damaged(crate::t!("browse-why-no-decompress", cause = e.to_string()))
            })?,
        };
        if Id::new(Sha256::digest(&plain).into()) != *id {
            return Err(damaged(crate::t!("browse-why-wrong-content")));
        }
        let tree: Tree = serde_json::from_slice(&plain)
            .map_err(|e| damaged(crate::t!("browse-why-not-a-tree", cause = e.to_string())))?;
        Ok(tree.nodes)
    }

    fn read_pack_part(&self, pack: &Id, loc: &Loc) -> Result<Vec<u8>> {
        let from_backend = |e: Box<rustic_core::RusticError>| {
            crate::engine_error(crate::t!("browse-reading-pack", id = short(pack)), &e)
        };
        let range = loc.offset as usize..loc.offset as usize + loc.length as usize;
        if let Some(dir) = &self.pack_cache {
            let path = dir.join(pack.to_hex().as_str());
            if let Some(part) = std::fs::read(&path)
                .ok()
                .and_then(|all| all.get(range.clone()).map(<[u8]>::to_vec))
            {
                return Ok(part);
            }
            let all = self
                .backend
                .read_full(FileType::Pack, pack)
                .map_err(from_backend)?;
            if let Err(e) = crate::fsutil::write_atomic_in_new_folder(&path, &all, None) {
                tracing::warn!("cannot keep a pack in {}: {e}", dir.display());
            }
            return all
                .get(range)
                .map(<[u8]>::to_vec)
                .ok_or_else(|| Error::Input(crate::t!("browse-pack-short", id = short(pack))));
        }
        let part = self
            .backend
            .read_partial(FileType::Pack, pack, true, loc.offset, loc.length)
            .map_err(from_backend)?;
        Ok(part.to_vec())
    }
}

/// Removes cached packs that hold no listed tree any more (pruned away).
fn forget_unlisted_packs(dir: &std::path::Path, listing: &Listing) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let keep: HashSet<String> = listing
        .files
        .values()
        .flat_map(|f| f.packs.iter().map(|p| p.to_hex().to_string()))
        .collect();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        if !keep.contains(&name) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

#[derive(Deserialize)]
struct IndexJson<'a> {
    #[serde(borrow)]
    packs: Vec<PackJson<'a>>,
    #[serde(default, borrow)]
    packs_to_delete: Vec<PackJson<'a>>,
}

#[derive(Deserialize)]
struct PackJson<'a> {
    id: &'a str,
    #[serde(borrow)]
    blobs: Vec<BlobJson<'a>>,
}

#[derive(Deserialize)]
struct BlobJson<'a> {
    id: &'a str,
    #[serde(rename = "type")]
    kind: &'a str,
    offset: u32,
    length: u32,
    #[serde(default)]
    uncompressed_length: Option<u32>,
}

/// The trees of each of these index files, read on as many threads as there are
/// cores (decrypting, decompressing and parsing is the cost, not the reading).
fn read_index_files(
    backend: &dyn rustic_core::WriteBackend,
    key: &RepoKey,
    ids: &[Id],
) -> Vec<(Id, std::result::Result<FileTrees, String>)> {
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, 8)
        .min(ids.len());
    if threads <= 1 {
        return ids
            .iter()
            .map(|id| (*id, read_index_file(backend, key, id)))
            .collect();
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(id) = ids.get(i) else { break done };
                        done.push((*id, read_index_file(backend, key, id)));
                    }
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| {
                w.join()
                    .unwrap_or_else(|_| vec![(Id::default(), Err("a reader failed".to_string()))])
            })
            .collect()
    })
}

/// The trees an index file lists.
fn read_index_file(
    backend: &dyn rustic_core::WriteBackend,
    key: &RepoKey,
    id: &Id,
) -> std::result::Result<FileTrees, String> {
    let data = backend
        .read_full(FileType::Index, id)
        .map_err(|e| super::describe(&e))?;
    let plain = key
        .decrypt(&data)
        .ok_or_else(|| crate::t!("browse-why-no-decrypt"))?;
    trees_of_index(&plain)
}

/// The trees listed in a decrypted index file (compressed or not, as restic
/// writes them: a leading 2 means zstd follows).
fn trees_of_index(plain: &[u8]) -> std::result::Result<FileTrees, String> {
    let json = match plain.first() {
        Some(b'{') => std::borrow::Cow::Borrowed(plain),
        Some(2) => std::borrow::Cow::Owned(
            zstd::stream::decode_all(&plain[1..])
                .map_err(|e| crate::t!("browse-why-no-decompress", cause = e.to_string()))?,
        ),
        _ => return Err(crate::t!("browse-why-unknown-format")),
    };
    let index: IndexJson<'_> = serde_json::from_slice(&json).map_err(|e| e.to_string())?;
    let mut out = FileTrees::default();
    for pack in index.packs.iter().chain(&index.packs_to_delete) {
        let mut pack_no = None;
        for blob in pack.blobs.iter().filter(|b| b.kind == "tree") {
            let no = match pack_no {
                Some(n) => n,
                None => {
                    out.packs.push(parse_id(pack.id)?);
                    let n = (out.packs.len() - 1) as u32;
                    pack_no = Some(n);
                    n
                }
            };
            out.trees.push((
                parse_id(blob.id)?,
                Loc {
                    pack: no,
                    offset: blob.offset,
                    length: blob.length,
                    uncompressed: blob.uncompressed_length.unwrap_or(0),
                },
            ));
        }
    }
    Ok(out)
}

/// The first 8 characters of an id, as messages show it.
pub(super) fn short(id: &Id) -> String {
    id.to_hex().chars().take(8).collect()
}

/// The 32 bytes of an id (rustic_core shows them only as hex).
fn id_bytes(id: &Id) -> [u8; 32] {
    let hex = id.to_hex();
    let mut out = [0u8; 32];
    for (byte, pair) in out.iter_mut().zip(hex.as_bytes().chunks(2)) {
        let digit = |c: u8| (c as char).to_digit(16).unwrap_or(0) as u8;
        *byte = (digit(pair[0]) << 4) | digit(pair[1]);
    }
    out
}

fn parse_id(hex: &str) -> std::result::Result<Id, String> {
    hex.parse::<Id>()
        .map_err(|_| crate::t!("browse-why-bad-id", id = hex))
}

impl Listing {
    /// `MAGIC`, the version, then for each index file: its id, its packs, its trees.
    fn encode(&self) -> Vec<u8> {
        let size: usize = self
            .files
            .values()
            .map(|f| 40 + f.packs.len() * 32 + f.trees.len() * 48)
            .sum();
        let mut out = Vec::with_capacity(16 + size);
        out.extend_from_slice(MAGIC);
        out.push(VERSION);
        out.extend_from_slice(&(self.files.len() as u32).to_le_bytes());
        for (id, f) in &self.files {
            out.extend_from_slice(&id_bytes(id));
            out.extend_from_slice(&(f.packs.len() as u32).to_le_bytes());
            for p in &f.packs {
                out.extend_from_slice(&id_bytes(p));
            }
            out.extend_from_slice(&(f.trees.len() as u32).to_le_bytes());
            for (t, loc) in &f.trees {
                out.extend_from_slice(&id_bytes(t));
                for n in [loc.pack, loc.offset, loc.length, loc.uncompressed] {
                    out.extend_from_slice(&n.to_le_bytes());
                }
            }
        }
        out
    }

    /// The listing `encode` wrote; `None` for anything else (the cache is then rebuilt).
    fn decode(bytes: &[u8]) -> Option<Listing> {
        let mut r = Reader(bytes);
        if r.take(MAGIC.len())? != MAGIC || r.take(1)? != [VERSION] {
            return None;
        }
        let mut listing = Listing::default();
        for _ in 0..r.u32()? {
            let id = r.id()?;
            let mut f = FileTrees::default();
            for _ in 0..r.u32()? {
                f.packs.push(r.id()?);
            }
            for _ in 0..r.u32()? {
                let t = r.id()?;
                let loc = Loc {
                    pack: r.u32()?,
                    offset: r.u32()?,
                    length: r.u32()?,
                    uncompressed: r.u32()?,
                };
                if loc.pack as usize >= f.packs.len() {
                    return None;
                }
                f.trees.push((t, loc));
            }
            listing.files.insert(id, f);
        }
        r.0.is_empty().then_some(listing)
    }
}

struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Option<&[u8]> {
        if self.0.len() < n {
            return None;
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Some(head)
    }

    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }

    fn id(&mut self) -> Option<Id> {
        Some(Id::new(self.take(32)?.try_into().ok()?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: u8) -> Id {
        Id::new([n; 32])
    }

    #[test]
    fn a_listing_reads_back_as_written_and_damage_is_refused() {
        let mut listing = Listing::default();
        listing.files.insert(
            id(1),
            FileTrees {
                packs: vec![id(2), id(3)],
                trees: vec![
                    (
                        id(4),
                        Loc {
                            pack: 1,
                            offset: 10,
                            length: 20,
                            uncompressed: 0,
                        },
                    ),
                    (
                        id(5),
                        Loc {
                            pack: 0,
                            offset: 0,
                            length: 7,
                            uncompressed: 30,
                        },
                    ),
                ],
            },
        );
        listing.files.insert(id(6), FileTrees::default());
        let bytes = listing.encode();
        assert_eq!(Listing::decode(&bytes), Some(listing.clone()));
        // cut short, one byte too many, another version, a pack number out of range
        assert_eq!(Listing::decode(&bytes[..bytes.len() - 1]), None);
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(Listing::decode(&longer), None);
        let mut other = bytes.clone();
        other[MAGIC.len()] = VERSION + 1;
        assert_eq!(Listing::decode(&other), None);
        let mut bad_pack = listing;
        bad_pack
            .files
            .get_mut(&id(1))
            .map(|f| f.trees[0].1.pack = 2)
            .unwrap_or_default();
        assert_eq!(Listing::decode(&bad_pack.encode()), None);
    }

    #[test]
    fn only_trees_are_taken_from_an_index_file_compressed_or_not() {
        let tree = "a".repeat(64);
        let data = "b".repeat(64);
        let pack_of_trees = "c".repeat(64);
        let pack_of_data = "d".repeat(64);
        let json = format!(
            r#"{{"packs":[
                {{"id":"{pack_of_data}","blobs":[{{"id":"{data}","type":"data","offset":0,"length":5,"uncompressed_length":9}}]}},
                {{"id":"{pack_of_trees}","time":"2026-01-01T00:00:00Z","size":99,"blobs":[
                    {{"id":"{data}","type":"data","offset":0,"length":5}},
                    {{"id":"{tree}","type":"tree","offset":5,"length":50,"uncompressed_length":80}}]}}
            ]}}"#
        );
        let expected = FileTrees {
            packs: vec![pack_of_trees.parse().unwrap_or_default()],
            trees: vec![(
                tree.parse().unwrap_or_default(),
                Loc {
                    pack: 0,
                    offset: 5,
                    length: 50,
                    uncompressed: 80,
                },
            )],
        };
        assert_eq!(trees_of_index(json.as_bytes()), Ok(expected.clone()));
        let mut compressed = vec![2];
        compressed.extend(zstd::bulk::compress(json.as_bytes(), 3).unwrap_or_default());
        assert_eq!(trees_of_index(&compressed), Ok(expected));
        assert!(trees_of_index(b"nonsense").is_err());
        assert!(trees_of_index(b"{\"packs\":[{\"id\":\"zz\",\"blobs\":[{\"id\":\"zz\",\"type\":\"tree\",\"offset\":0,\"length\":1}]}]}").is_err());
    }
}
