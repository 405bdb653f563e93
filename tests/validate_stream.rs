//! A 100,000-document stream is validated in bounded memory: the documents are generated
//! on the fly (never held whole) and only problems and small per-object facts are kept.
//! Its own test binary, so that the peak memory it reads is its own.

use std::io::Read;
use tack::validate::{Checks, Validator};

const DOCUMENTS: usize = 100_000;

/// Produces `count` ConfigMap documents, one at a time, as a reader.
struct Generator {
    next: usize,
    count: usize,
    pending: Vec<u8>,
    offset: usize,
}

impl Read for Generator {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.offset == self.pending.len() {
            if self.next == self.count {
                return Ok(0);
            }
            self.pending = format!(
                "---\n# Source: chart/templates/config-{0}.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: config-{0}\ndata:\n  key: \"{0}\"\n",
                self.next
            )
            .into_bytes();
            self.offset = 0;
            self.next += 1;
        }
        let n = buf.len().min(self.pending.len() - self.offset);
        buf[..n].copy_from_slice(&self.pending[self.offset..n + self.offset]);
        self.offset += n;
        Ok(n)
    }
}

fn peak_memory_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[test]
fn a_100000_document_stream_is_validated_in_bounded_memory() {
    let stream = Generator {
        next: 0,
        count: DOCUMENTS,
        pending: Vec::new(),
        offset: 0,
    };
    let before = peak_memory_kib();
    // The text of the stream is about 14 MB; without the cross-object checks nothing but
    // counters outlives a document.
    let report = Validator::default()
        .checks("schema,removed-api".parse::<Checks>().unwrap_or_default())
        .validate_reader("stream.yaml", stream);
    assert_eq!(report.objects, DOCUMENTS);
    assert_eq!(report.documents, DOCUMENTS);
    assert!(report.problems.is_empty(), "{:?}", &report.problems[..1]);
    if let (Some(before), Some(after)) = (before, peak_memory_kib()) {
        let grown_mib = (after.saturating_sub(before)) / 1024;
        assert!(grown_mib < 48, "peak memory grew by {grown_mib} MiB");
    }
    // With every check, a duplicate at the very end is still found.
    let mut stream = Generator {
        next: 0,
        count: 20_000,
        pending: Vec::new(),
        offset: 0,
    };
    let mut text = Vec::new();
    let _ = stream.read_to_end(&mut text);
    text.extend_from_slice(b"---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: config-7}\n");
    let report = Validator::default().validate_reader("stream.yaml", text.as_slice());
    assert_eq!(report.objects, 20_001);
    assert_eq!(report.error_count(), 1);
    assert!(
        report.problems[0]
            .message
            .contains("also defined at stream.yaml:")
    );
}
