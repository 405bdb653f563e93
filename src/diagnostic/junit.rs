//! Diagnostics as JUnit XML, for CI systems that show test reports: a test suite per file, a
//! test case per object (passing, failing or skipped), a failure per object with errors.

use super::{Diagnostic, Output, Summary};
use crate::source::{SourceId, SourceMap};
use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};

#[derive(Default)]
struct Case {
    name: String,
    failures: Vec<String>,
    first_message: Option<String>,
    first_check: Option<&'static str>,
    skipped: bool,
}

/// Test cases by file (files sorted, cases in order of first appearance), found by name
/// through a map, so a report with many failing objects stays linear.
#[derive(Default)]
struct Suites {
    cases: BTreeMap<String, Vec<Case>>,
    by_name: HashMap<(String, String), usize>,
}

impl Suites {
    /// The case `name` of the suite of `file`, added if it is new.
    fn case(&mut self, file: &str, name: String) -> &mut Case {
        let cases = self.cases.entry(file.to_string()).or_default();
        let index = *self
            .by_name
            .entry((file.to_string(), name.clone()))
            .or_insert_with(|| {
                cases.push(Case {
                    name,
                    ..Case::default()
                });
                cases.len() - 1
            });
        &mut cases[index]
    }
}

/// JUnit XML into `out`. Warnings are not failures.
///
/// ```
/// use tack::diagnostic::{CheckedObject, Check, Diagnostic, Output, Summary, junit::JunitOutput};
/// use tack::source::{Location, SourceMap};
/// let mut sources = SourceMap::new();
/// let file = sources.add_name("in.yaml");
/// let checked = vec![CheckedObject { source: file, line: 1, object: "Service/web".into(), skipped: None }];
/// let mut out = JunitOutput::new(Vec::new());
/// let bad = Diagnostic::error(Check::Schema, "bad").object("Service/web");
/// let mut bad = bad.at(Location { source: file, line: 3, column: 0 });
/// bad.document_line = 1;
/// out.write(&bad, &sources)?;
/// let xml = String::from_utf8(out.finish(&Summary { checked, ..Summary::default() }, &sources)?)?;
/// assert!(xml.contains("tests=\"1\" failures=\"1\""), "{xml}");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct JunitOutput<W: Write> {
    out: W,
    errors: Vec<(SourceId, String, String, &'static str, String)>,
}

impl<W: Write> JunitOutput<W> {
    /// JUnit output into `out`.
    ///
    /// ```
    /// use tack::diagnostic::{Output, Summary, junit::JunitOutput};
    /// use tack::source::SourceMap;
    /// let out = JunitOutput::new(Vec::new());
    /// let xml = String::from_utf8(out.finish(&Summary::default(), &SourceMap::new())?)?;
    /// assert!(xml.starts_with("<?xml"), "{xml}");
    /// assert!(!xml.contains("<failure"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(out: W) -> Self {
        JunitOutput {
            out,
            errors: Vec::new(),
        }
    }
}

fn case_name(object: Option<&str>, line: u32) -> String {
    match object {
        Some(object) => format!("{object} (line {line})"),
        None => format!("document at line {line}"),
    }
}

impl<W: Write> Output for JunitOutput<W> {
    type Target = W;

    fn write(&mut self, diagnostic: &Diagnostic, sources: &SourceMap) -> io::Result<()> {
        if diagnostic.is_error() {
            self.errors.push((
                diagnostic.location.source,
                case_name(diagnostic.object.as_deref(), diagnostic.document_line),
                diagnostic.message.clone(),
                diagnostic.check.name(),
                diagnostic.describe(sources),
            ));
        }
        Ok(())
    }

    fn finish(mut self, summary: &Summary, sources: &SourceMap) -> io::Result<W> {
        let mut suites = Suites::default();
        for checked in &summary.checked {
            let file = sources.name(checked.source);
            let case = suites.case(file, case_name(Some(&checked.object), checked.line));
            case.skipped |= checked.skipped.is_some();
        }
        for (source, name, message, check, line) in self.errors {
            let case = suites.case(sources.name(source), name);
            case.first_message.get_or_insert(message);
            case.first_check.get_or_insert(check);
            case.failures.push(line);
        }
        let suites = suites.cases;
        let total: usize = suites.values().map(Vec::len).sum();
        let failures = suites
            .values()
            .flatten()
            .filter(|c| !c.failures.is_empty())
            .count();
        let out = &mut self.out;
        writeln!(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>")?;
        writeln!(
            out,
            "<testsuites name=\"tack validate\" tests=\"{total}\" failures=\"{failures}\">"
        )?;
        for (file, cases) in &suites {
            let failed = cases.iter().filter(|c| !c.failures.is_empty()).count();
            let skipped = cases.iter().filter(|c| c.skipped).count();
            writeln!(
                out,
                "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failed}\" skipped=\"{skipped}\">",
                xml_escape(file),
                cases.len()
            )?;
            for case in cases {
                write!(
                    out,
                    "    <testcase classname=\"{}\" name=\"{}\"",
                    xml_escape(file),
                    xml_escape(&case.name)
                )?;
                if case.failures.is_empty() && !case.skipped {
                    writeln!(out, "/>")?;
                    continue;
                }
                writeln!(out, ">")?;
                if case.skipped {
                    writeln!(out, "      <skipped message=\"no schema for this kind\"/>")?;
                }
                if let (Some(message), Some(check)) = (&case.first_message, case.first_check) {
                    writeln!(
                        out,
                        "      <failure message=\"{}\" type=\"{check}\">{}</failure>",
                        xml_escape(message),
                        xml_escape(&case.failures.join("\n"))
                    )?;
                }
                writeln!(out, "    </testcase>")?;
            }
            writeln!(out, "  </testsuite>")?;
        }
        writeln!(out, "</testsuites>")?;
        self.out.flush()?;
        Ok(self.out)
    }
}

/// Text for an XML attribute or element: markup characters escaped, control characters
/// (which XML 1.0 cannot hold) dropped.
fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\t') => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_drops_controls() {
        assert_eq!(
            xml_escape("a<b & \"c\"\u{1b}"),
            "a&lt;b &amp; &quot;c&quot;"
        );
    }
}
