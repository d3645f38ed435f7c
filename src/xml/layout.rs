//! The layout of a document that a merge copies: its line end, its
//! indentation step, and the indentation of a line.

/// How often each indentation step occurs between a parent and a child.
#[derive(Default)]
pub(super) struct IndentSteps<'a> {
    counts: Vec<(&'a str, usize)>,
    last: usize,
}

impl<'a> IndentSteps<'a> {
    pub(super) fn add(&mut self, child: Option<&'a str>, parent: Option<&'a str>) {
        let (Some(c), Some(p)) = (child, parent) else {
            return;
        };
        if c.len() <= p.len() || !c.starts_with(p) {
            return;
        }
        let unit = &c[p.len()..];
        if let Some(e) = self.counts.get_mut(self.last).filter(|e| e.0 == unit) {
            e.1 += 1;
            return;
        }
        match self.counts.iter().position(|e| e.0 == unit) {
            Some(i) => {
                self.counts[i].1 += 1;
                self.last = i;
            }
            None => {
                self.last = self.counts.len();
                self.counts.push((unit, 1));
            }
        }
    }

    /// The most frequent step (the shorter one on a tie, then the greater
    /// string), two spaces when there is none.
    pub(super) fn unit(mut self) -> String {
        self.counts.sort_unstable();
        self.counts
            .into_iter()
            .max_by(|a, b| a.1.cmp(&b.1).then(b.0.len().cmp(&a.0.len())))
            .map_or_else(|| "  ".to_string(), |(u, _)| u.to_string())
    }
}

pub(super) fn detect_line_end(xml: &str) -> &'static str {
    let bytes = xml.as_bytes();
    // Without a carriage return every line end is a line feed.
    if memchr::memchr(b'\r', bytes).is_none() {
        return "\n";
    }
    let mut all = 0;
    let mut crlf = 0;
    for i in memchr::memchr_iter(b'\n', bytes) {
        all += 1;
        crlf += usize::from(i > 0 && bytes[i - 1] == b'\r');
    }
    if crlf > all - crlf {
        "\r\n"
    } else {
        "\n"
    }
}

/// The whitespace between the start of the line holding `pos` and `pos`,
/// if that is all whitespace.
pub(crate) fn line_indent(xml: &str, pos: usize) -> Option<&str> {
    let pos = pos.min(xml.len());
    // Scan back over blanks only, so a long line costs nothing extra.
    let blanks = xml.as_bytes()[..pos]
        .iter()
        .rev()
        .take_while(|&&b| b == b' ' || b == b'\t')
        .count();
    let line_start = pos - blanks;
    (line_start == 0 || xml.as_bytes()[line_start - 1] == b'\n').then(|| &xml[line_start..pos])
}
