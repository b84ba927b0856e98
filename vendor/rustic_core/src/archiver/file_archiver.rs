use std::io::Read;

use crate::{
    archiver::{
        parent::{ItemWithParent, ParentResult},
        tree::TreeType,
        tree_archiver::TreeItem,
    },
    backend::{
        ReadSourceOpen, Splice,
        decrypt::DecryptWriteBackend,
        node::{Node, NodeType},
    },
    blob::{
        BlobId, BlobType, DataId,
        packer::{PackSizer, Packer, PackerStats},
    },
    chunker::ChunkIter,
    crypto::hasher::hash,
    error::{ErrorKind, RusticError, RusticResult},
    index::{ReadGlobalIndex, indexer::SharedIndexer},
    progress::Progress,
    repofile::configfile::ConfigFile,
};

/// npbackup: when a file's chunks are cut on their own thread
mod constants {
    /// Files from this size up (smaller ones are mostly one chunk).
    pub(super) const PIPELINE_MIN_SIZE: u64 = 4 * 1024 * 1024;
    /// Chunks cut ahead of the hashing (each up to the chunker's maximum size).
    pub(super) const PIPELINE_CHUNKS: usize = 2;
}

/// The `FileArchiver` is responsible for archiving files.
/// It will read the file, chunk it, and write the chunks to the backend.
///
/// # Type Parameters
///
/// * `BE` - The backend type.
/// * `I` - The index to read from.
#[derive(Clone)]
pub(crate) struct FileArchiver<'a, BE: DecryptWriteBackend, I: ReadGlobalIndex> {
    index: &'a I,
    data_packer: Packer<BE>,
    config: ConfigFile,
}

impl<'a, BE: DecryptWriteBackend, I: ReadGlobalIndex> FileArchiver<'a, BE, I> {
    /// Creates a new `FileArchiver`.
    ///
    /// # Type Parameters
    ///
    /// * `BE` - The backend type.
    /// * `I` - The index to read from.
    ///
    /// # Arguments
    ///
    /// * `be` - The backend to write to.
    /// * `index` - The index to read from.
    /// * `indexer` - The indexer to write to.
    /// * `config` - The config file.
    ///
    /// # Errors
    ///
    /// * If sending the message to the raw packer fails.
    /// * If converting the data length to u64 fails
    pub(crate) fn new(
        be: BE,
        index: &'a I,
        indexer: SharedIndexer<BE>,
        config: &ConfigFile,
    ) -> RusticResult<Self> {
        let pack_sizer =
            PackSizer::from_config(config, BlobType::Data, index.total_size(BlobType::Data));
        let data_packer = Packer::new(be, BlobType::Data, indexer, pack_sizer)?;

        Ok(Self {
            index,
            data_packer,
            config: config.clone(),
        })
    }

    /// Processes the given item.
    ///
    /// # Type Parameters
    ///
    /// * `O` - The type of the tree item.
    ///
    /// # Arguments
    ///
    /// * `item` - The item to process.
    /// * `p` - The progress tracker.
    ///
    /// # Errors
    ///
    /// * If the item could not be unpacked.
    ///
    /// # Returns
    ///
    /// The processed item.
    pub(crate) fn process<O: ReadSourceOpen>(
        &self,
        item: ItemWithParent<Option<O>>,
        p: &Progress,
    ) -> RusticResult<TreeItem> {
        Ok(match item {
            TreeType::NewTree(item) => TreeType::NewTree(item),
            TreeType::EndTree => TreeType::EndTree,
            TreeType::Other((path, node, (open, parent))) => {
                let (node, filesize) = if matches!(parent, ParentResult::Matched(())) {
                    let size = node.meta.size;
                    p.inc(size);
                    (node, size)
                } else if node.node_type == NodeType::File {
                    let mut open = open
                        .ok_or_else(
                            || RusticError::new(
                                ErrorKind::Internal,
                                "Failed to unpack tree type optional at `{path}`. Option should contain a value, but contained `None`.",
                            )
                            .attach_context("path", path.display().to_string())
                            .ask_report(),
                        )?;
                    // npbackup: only the changed parts of a file whose changes are known
                    if let Some(splice) = open.splice() {
                        let (node, filesize) = self.backup_splice(splice, node, p).map_err(|err| {
                            err.prepend_guidance_line("Error while backing up `{path}`")
                                .attach_context("path", path.display().to_string())
                        })?;
                        return Ok(TreeType::Other((path, node, (parent, filesize))));
                    }
                    let r = open
                        .open()
                        .map_err(|err| {
                            err
                            .overwrite_kind(ErrorKind::InputOutput)
                            .prepend_guidance_line("Failed to open ReadSourceOpen at `{path}`")
                            .attach_context("path", path.display().to_string())
                        })?;

                    self.backup_reader(r, node, p).map_err(|err| {
                        err.prepend_guidance_line("Error while backing up `{path}`")
                            .attach_context("path", path.display().to_string())
                    })?
                } else {
                    (node, 0)
                };
                TreeType::Other((path, node, (parent, filesize)))
            }
        })
    }

    // TODO: add documentation!
    fn backup_reader(
        &self,
        r: impl Read + Send + 'static,
        node: Node,
        p: &Progress,
    ) -> RusticResult<(Node, u64)> {
        let iter = ChunkIter::from_config(
            &self.config,
            r,
            usize::try_from(node.meta.size).unwrap_or(usize::MAX),
        )?;
        let mut chunks = Vec::new();
        let mut take = |chunk: RusticResult<Vec<u8>>| -> RusticResult<()> {
            let chunk = chunk?;
            let id = hash(&chunk);
            let size = chunk.len() as u64;

            if !self.index.has_data(&DataId::from(id)) {
                self.data_packer.add(chunk.into(), BlobId::from(id))?;
            }
            p.inc(size);
            chunks.push((DataId::from(id), size));
            Ok(())
        };
        // npbackup: a big file's chunks are hashed (and handed to the packer) here
        // while the next ones are cut on another thread. Cutting a file is one serial
        // loop, and hashing after it took a quarter of the time of a big file.
        if node.meta.size < constants::PIPELINE_MIN_SIZE {
            iter.into_iter().try_for_each(&mut take)?;
        } else {
            std::thread::scope(|scope| {
                let (tx, rx) = std::sync::mpsc::sync_channel(constants::PIPELINE_CHUNKS);
                _ = scope.spawn(move || {
                    for chunk in iter {
                        let failed = chunk.is_err();
                        // the receiver is gone when taking a chunk failed
                        if tx.send(chunk).is_err() || failed {
                            break;
                        }
                    }
                });
                rx.into_iter().try_for_each(&mut take)
            })?;
        }

        let filesize = chunks.iter().map(|x| x.1).sum();
        let content = chunks.into_iter().map(|x| x.0).collect();

        let mut node = node;
        node.content = Some(content);
        Ok((node, filesize))
    }

    /// npbackup: backs up a file from its previous version's chunks and its changed ranges
    /// (see [`Splice`]): the same content as [`Self::backup_reader`] on the whole file.
    fn backup_splice(&self, mut s: Splice, node: Node, p: &Progress) -> RusticResult<(Node, u64)> {
        let size = node.meta.size;
        let io_error = |err: std::io::Error| {
            RusticError::with_source(
                ErrorKind::InputOutput,
                "Failed to read the file's changed parts.",
                err,
            )
        };
        let mut starts = Vec::with_capacity(s.base.len());
        let mut end: u64 = 0;
        for (_, len) in &s.base {
            starts.push(end);
            end = end.saturating_add(*len);
        }
        // a base that is not this file's previous version: read it whole
        if end != size || s.base.iter().any(|(_, len)| *len == 0) {
            let r = (s.read_at)(0).map_err(io_error)?;
            return self.backup_reader(r, node, p);
        }
        let changed = std::mem::take(&mut s.changed);
        // the previous version's chunk `k` starting at `pos`, when it is unchanged and stored
        let reusable = |k: usize, pos: u64| {
            let (id, len) = s.base.get(k)?;
            let first = changed.partition_point(|r| r.end <= pos);
            let touched = changed.get(first).is_some_and(|r| r.start < pos + len);
            (starts[k] == pos && !touched && self.index.has_data(id)).then_some((*id, *len))
        };
        let mut content = Vec::new();
        let mut pos = 0;
        let mut k = 0;
        while pos < size {
            k += starts[k..].partition_point(|&start| start < pos);
            if let Some((id, len)) = reusable(k, pos) {
                content.push(id);
                p.inc(len);
                pos += len;
                continue;
            }
            let r = (s.read_at)(pos).map_err(io_error)?;
            let chunks = ChunkIter::from_config(
                &self.config,
                r,
                usize::try_from(size - pos).unwrap_or(usize::MAX),
            )?;
            let from = pos;
            for chunk in chunks {
                let chunk = chunk?;
                let id = DataId::from(hash(&chunk));
                let len = chunk.len() as u64;
                if !self.index.has_data(&id) {
                    self.data_packer.add(chunk.into(), BlobId::from(*id))?;
                }
                p.inc(len);
                content.push(id);
                pos += len;
                k += starts[k..].partition_point(|&start| start < pos);
                // back on the previous version's boundaries past the changes
                if pos >= size || reusable(k, pos).is_some() {
                    break;
                }
            }
            if pos == from || pos > size {
                return Err(RusticError::new(
                    ErrorKind::InputOutput,
                    "The file's changed parts ended at {pos} bytes of {size}.",
                )
                .attach_context("pos", pos.to_string())
                .attach_context("size", size.to_string()));
            }
        }
        let mut node = node;
        node.content = Some(content);
        Ok((node, size))
    }

    /// Finalizes the archiver.
    ///
    /// # Returns
    ///
    /// The statistics of the archiver.
    ///
    /// # Panics
    ///
    /// * If the channel could not be dropped
    pub(crate) fn finalize(self) -> RusticResult<PackerStats> {
        self.data_packer.finalize()
    }
}
