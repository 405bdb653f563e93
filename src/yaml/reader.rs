//! The event loop every YAML reader of tack shares: documents, nesting, anchors and aliases,
//! merge keys, and the limits that keep hostile input bounded. What a node becomes is up to
//! a [`Build`]er: a positioned tree for value files, or JSON values for manifests.

use super::{Error, ErrorKind, Limits};
use serde_saphyr::granit_parser::{self, Event, Parser, ScalarStyle, ScanError, Span, Tag};
use std::borrow::Cow;
use std::collections::HashMap;

/// A position in the input: 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Mark {
    /// Line, starting at 1.
    pub line: u32,
    /// Column in characters, starting at 1.
    pub column: u32,
}

/// One scalar event, with everything a builder needs to type it.
pub(crate) struct ScalarEvent<'a> {
    /// The scalar's content (for quoted scalars: without the quotes, escapes applied).
    pub text: Cow<'a, str>,
    /// How it was written.
    pub style: ScalarStyle,
    /// Its explicit tag, if any.
    pub tag: Option<&'a Tag>,
    /// Where it starts.
    pub at: Mark,
}

/// What an expanded value costs: used to charge aliases and merges against the budget.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Size {
    /// Nodes (scalars and collections).
    pub nodes: u64,
    /// Bytes of text in keys and scalars.
    pub bytes: u64,
    /// Levels of nesting (a scalar is 0).
    pub depth: usize,
}

/// Turns the reader's nodes into values of one representation.
pub(crate) trait Build {
    /// A node.
    type Value: Clone;
    /// A mapping key.
    type Key;
    /// Where a node sits in its document, for builders that index nodes by path.
    type Path: Copy;
    /// What a whole document becomes.
    type Document;

    /// The path of a document's root.
    fn root_path(&self) -> Self::Path;
    /// The path of the value under `key` in the mapping at `parent`.
    fn child_path(&self, parent: Self::Path, key: &Self::Key) -> Self::Path;
    /// The path of item `index` of the sequence at `parent`.
    fn index_path(&self, parent: Self::Path, index: usize) -> Self::Path;
    /// A node starts at `at` (the root, a list item, or a mapping key with its value).
    fn record(&mut self, path: Self::Path, at: Mark);
    /// A scalar in value position.
    fn scalar(&mut self, scalar: ScalarEvent<'_>) -> Result<Self::Value, ErrorKind>;
    /// A scalar in key position.
    fn key(&mut self, scalar: ScalarEvent<'_>) -> Result<Self::Key, ErrorKind>;
    /// An alias in key position, to a value anchored earlier.
    fn alias_key(&mut self, value: &Self::Value, at: Mark) -> Result<Self::Key, ErrorKind>;
    /// A finished sequence that started at `at`.
    fn sequence(&mut self, items: Vec<Self::Value>, at: Mark) -> Self::Value;
    /// A finished mapping that started at `at`, with the sources of its `<<` merge keys.
    fn mapping(
        &mut self,
        entries: std::vec::Drain<'_, (Self::Key, Self::Value)>,
        merges: Vec<(Self::Value, Mark)>,
        at: Mark,
    ) -> Result<Self::Value, Error>;
    /// What copying `value` costs.
    fn size(value: &Self::Value) -> Size;
    /// Ends a document with its root; `None` for an empty (`null`) document.
    fn document(&mut self, root: Self::Value, at: Mark) -> Option<Self::Document>;
    /// Forgets a document that could not be read, before the next one starts.
    fn reset(&mut self);
}

/// What one document of a stream turned out to be.
#[derive(Debug)]
pub(crate) enum Parsed<D> {
    /// A document with content.
    Document(D),
    /// An empty document: only comments, or `null`.
    Empty,
    /// A document that could not be read.
    Error(Error),
}

/// An open collection. Its children wait on the reader's shared stacks from `start` on, so
/// that each collection is allocated once, at its exact size.
enum Frame<B: Build> {
    Sequence {
        start: usize,
        anchor: usize,
        path: B::Path,
        at: Mark,
    },
    Mapping {
        start: usize,
        anchor: usize,
        path: B::Path,
        at: Mark,
        key: Option<PendingKey<B::Key>>,
        merges: Vec<(B::Value, Mark)>,
    },
}

enum PendingKey<K> {
    Key(K),
    Merge(Mark),
}

/// Where the node that starts now goes.
enum Position<P> {
    Key,
    Value(P),
}

struct Document<B: Build> {
    stack: Vec<Frame<B>>,
    items: Vec<B::Value>,
    entries: Vec<(B::Key, B::Value)>,
    root: Option<(B::Value, Mark)>,
    anchors: HashMap<usize, (B::Value, Size)>,
    spent: Size,
}

impl<B: Build> Document<B> {
    fn new() -> Self {
        Document {
            stack: Vec::new(),
            items: Vec::new(),
            entries: Vec::new(),
            root: None,
            anchors: HashMap::new(),
            spent: Size::default(),
        }
    }
}

/// Reads YAML text with one builder and one set of limits.
pub(crate) struct Reader<'l, B> {
    builder: B,
    limits: &'l Limits,
    offset: u32,
}

impl<'l, B: Build> Reader<'l, B> {
    /// A reader for text whose first line is line `first_line` of its input.
    pub(crate) fn new(builder: B, limits: &'l Limits, first_line: u32) -> Self {
        Reader {
            builder,
            limits,
            offset: first_line.saturating_sub(1),
        }
    }

    /// Reads every document of `text`. A syntax error ends its document only: reading goes
    /// on at the next `---`. Past [`Limits::max_documents`] reading stops with an error.
    pub(crate) fn read(mut self, text: &str) -> Vec<Parsed<B::Document>> {
        let options = granit_parser::options! {
            flow_nesting_limit: self.limits.max_depth,
            block_nesting_limit: self.limits.max_depth,
            // Comments are not data; asking for them costs a fifth of the parse.
            emit_comments: false,
        };
        let mut parser = Parser::new_from_str_with_options(text, options);
        let mut out = Vec::new();
        let mut document = Document::<B>::new();
        let mut documents = 0usize;
        loop {
            let failure = match parser.next_event() {
                None => break,
                Some(Err(error)) => Some(self.scan_error(&error)),
                Some(Ok((event, span))) => match event {
                    Event::StreamStart | Event::StreamEnd => None,
                    Event::DocumentStart(..) => {
                        documents += 1;
                        if documents > self.limits.max_documents {
                            let at = self.mark(&span);
                            out.push(Parsed::Error(Error::at(
                                at,
                                ErrorKind::TooManyDocuments {
                                    limit: self.limits.max_documents,
                                },
                            )));
                            break;
                        }
                        document = Document::new();
                        self.builder.reset();
                        None
                    }
                    Event::DocumentEnd => {
                        let finished = std::mem::replace(&mut document, Document::new());
                        out.push(self.finish(finished));
                        None
                    }
                    other => self.event(&mut document, other, &span).err(),
                },
            };
            if let Some(error) = failure {
                out.push(Parsed::Error(error));
                document = Document::new();
                self.builder.reset();
                match parser.proceed_next_document() {
                    Ok(true) => {}
                    Ok(false) | Err(_) => break,
                }
            }
        }
        out
    }

    fn finish(&mut self, document: Document<B>) -> Parsed<B::Document> {
        let finished = match document.root {
            None => None,
            Some((root, at)) => self.builder.document(root, at),
        };
        self.builder.reset();
        finished.map_or(Parsed::Empty, Parsed::Document)
    }

    fn mark(&self, span: &Span) -> Mark {
        Mark {
            line: to_u32(span.start.line()).saturating_add(self.offset),
            column: to_u32(span.start.col()).saturating_add(1),
        }
    }

    fn scan_error(&self, error: &ScanError) -> Error {
        let marker = error.marker();
        let at = Mark {
            line: to_u32(marker.line()).saturating_add(self.offset),
            column: to_u32(marker.col()).saturating_add(1),
        };
        Error::at(at, ErrorKind::from_scan(error, self.limits))
    }

    /// Works out where a node starting at `at` goes, and records it.
    fn position(&mut self, document: &Document<B>, at: Mark) -> Position<B::Path> {
        match document.stack.last() {
            None => {
                let root = self.builder.root_path();
                self.builder.record(root, at);
                Position::Value(root)
            }
            Some(Frame::Sequence { start, path, .. }) => {
                let path = self.builder.index_path(*path, document.items.len() - start);
                self.builder.record(path, at);
                Position::Value(path)
            }
            Some(Frame::Mapping { key: None, .. }) => Position::Key,
            Some(Frame::Mapping {
                key: Some(key),
                path,
                ..
            }) => match key {
                PendingKey::Key(key) => Position::Value(self.builder.child_path(*path, key)),
                PendingKey::Merge(_) => Position::Value(*path),
            },
        }
    }

    fn event(
        &mut self,
        document: &mut Document<B>,
        event: Event<'_>,
        span: &Span,
    ) -> Result<(), Error> {
        let at = self.mark(span);
        let fail = |kind| Error::at(at, kind);
        match event {
            Event::Scalar(text, style, anchor, tag) => {
                let merge = style == ScalarStyle::Plain && tag.is_none() && text == "<<";
                let scalar = ScalarEvent {
                    text,
                    style,
                    tag: tag.as_deref(),
                    at,
                };
                match self.position(document, at) {
                    Position::Key if merge => {
                        set_key(document, PendingKey::Merge(at));
                        Ok(())
                    }
                    Position::Key => {
                        let key = self.builder.key(scalar).map_err(fail)?;
                        self.set_key(document, key, at);
                        Ok(())
                    }
                    Position::Value(_) => {
                        let value = self.builder.scalar(scalar).map_err(fail)?;
                        self.push_value(document, value, anchor, at)
                    }
                }
            }
            Event::Alias(id) => {
                let Some((value, size)) = document.anchors.get(&id) else {
                    return Err(fail(ErrorKind::UnknownAnchor));
                };
                let (value, size) = (value.clone(), *size);
                self.charge(document, size, at)?;
                match self.position(document, at) {
                    Position::Key => {
                        let key = self.builder.alias_key(&value, at).map_err(fail)?;
                        self.set_key(document, key, at);
                        Ok(())
                    }
                    Position::Value(_) => self.push_value(document, value, 0, at),
                }
            }
            Event::SequenceStart(..) | Event::MappingStart(..)
                if document.stack.len() >= self.limits.max_depth =>
            {
                Err(fail(ErrorKind::TooDeep {
                    limit: self.limits.max_depth,
                }))
            }
            Event::SequenceStart(_, anchor, _) => match self.position(document, at) {
                Position::Key => Err(fail(ErrorKind::ComplexKey)),
                Position::Value(path) => {
                    document.stack.push(Frame::Sequence {
                        start: document.items.len(),
                        anchor,
                        path,
                        at,
                    });
                    Ok(())
                }
            },
            Event::MappingStart(_, anchor, _) => match self.position(document, at) {
                Position::Key => Err(fail(ErrorKind::ComplexKey)),
                Position::Value(path) => {
                    document.stack.push(Frame::Mapping {
                        start: document.entries.len(),
                        anchor,
                        path,
                        at,
                        key: None,
                        merges: Vec::new(),
                    });
                    Ok(())
                }
            },
            Event::SequenceEnd => match document.stack.pop() {
                Some(Frame::Sequence {
                    start,
                    anchor,
                    at: started,
                    ..
                }) => {
                    let items: Vec<B::Value> = document.items.drain(start..).collect();
                    let value = self.builder.sequence(items, started);
                    self.push_value(document, value, anchor, started)
                }
                _ => Err(fail(ErrorKind::Unbalanced)),
            },
            Event::MappingEnd => match document.stack.pop() {
                Some(Frame::Mapping {
                    start,
                    anchor,
                    at: started,
                    merges,
                    ..
                }) => {
                    let entries = document.entries.drain(start..);
                    let value = self.builder.mapping(entries, merges, started)?;
                    self.push_value(document, value, anchor, started)
                }
                _ => Err(fail(ErrorKind::Unbalanced)),
            },
            // Presentation only; a tree builder ignores them.
            _ => Ok(()),
        }
    }

    /// Charges an alias's copy against the document's budget, and its nesting against the
    /// depth limit at the place it is copied to.
    fn charge(&self, document: &mut Document<B>, size: Size, at: Mark) -> Result<(), Error> {
        let depth = document.stack.len() + size.depth;
        if depth > self.limits.max_depth {
            return Err(Error::at(
                at,
                ErrorKind::TooDeep {
                    limit: self.limits.max_depth,
                },
            ));
        }
        document.spent.nodes = document.spent.nodes.saturating_add(size.nodes);
        document.spent.bytes = document.spent.bytes.saturating_add(size.bytes);
        if document.spent.nodes > self.limits.max_alias_nodes
            || document.spent.bytes > self.limits.max_alias_bytes
        {
            return Err(Error::at(
                at,
                ErrorKind::AliasBudget {
                    nodes: self.limits.max_alias_nodes,
                    bytes: self.limits.max_alias_bytes,
                },
            ));
        }
        Ok(())
    }

    fn set_key(&mut self, document: &mut Document<B>, key: B::Key, at: Mark) {
        if let Some(Frame::Mapping { path, .. }) = document.stack.last() {
            let path = self.builder.child_path(*path, &key);
            self.builder.record(path, at);
        }
        set_key(document, PendingKey::Key(key));
    }

    fn push_value(
        &mut self,
        document: &mut Document<B>,
        value: B::Value,
        anchor: usize,
        at: Mark,
    ) -> Result<(), Error> {
        if anchor != 0 {
            // Keeping a copy for later aliases costs what the copy holds.
            let size = B::size(&value);
            self.charge(document, Size { depth: 0, ..size }, at)?;
            document.anchors.insert(anchor, (value.clone(), size));
        }
        match document.stack.last_mut() {
            None => {
                document.root = Some((value, at));
                Ok(())
            }
            Some(Frame::Sequence { .. }) => {
                document.items.push(value);
                Ok(())
            }
            Some(Frame::Mapping { key, merges, .. }) => match key.take() {
                Some(PendingKey::Key(key)) => {
                    document.entries.push((key, value));
                    Ok(())
                }
                Some(PendingKey::Merge(merge_at)) => {
                    merges.push((value, merge_at));
                    Ok(())
                }
                None => Err(Error::at(at, ErrorKind::Unbalanced)),
            },
        }
    }
}

fn set_key<B: Build>(document: &mut Document<B>, new_key: PendingKey<B::Key>) {
    if let Some(Frame::Mapping { key, .. }) = document.stack.last_mut() {
        *key = Some(new_key);
    }
}

pub(crate) fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
