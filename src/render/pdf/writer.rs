//! The PDF file itself, written directly: catalog, page tree, one content
//! stream per page, and each face the pages used embedded as a subset
//! (a CID-keyed TrueType font with its widths, shown one byte a glyph
//! through a Type0 font with a ToUnicode map for each 256 glyphs, so text
//! can be searched and copied). A face's program is shared by the
//! documents that set the same characters in it (see `program_glyphs`); each
//! document maps its own glyph numbers onto it with a CIDToGIDMap. The bytes
//! depend only on the content: subset tags and the file ID are hashes of it,
//! and no clock is read, so building an unchanged brief again yields the same
//! file.

use std::cell::RefCell;
use std::collections::HashMap;
use std::io::Write as _;
use std::sync::{Arc, Mutex, OnceLock};

use flate2::{Compress, Compression, FlushCompress, Status};
use subsetter::GlyphRemapper;

use super::PdfError;
use super::fonts::{Face, Fonts};

/// The glyphs one face has used in a document, numbered in order of first
/// use: those numbers are the CIDs. The content streams show them one byte a
/// glyph, through font resources of [`PART`] glyphs each ([`font_name`]).
#[derive(Default)]
pub struct Glyphs {
    remapper: Option<GlyphRemapper>,
    /// For each new glyph ID: the character it was first used for, and its
    /// advance in 1/1000 em.
    used: Vec<(char, f32)>,
    /// The code of each character below U+0100 already used, plus one (0:
    /// not yet), so that most characters are coded without looking up their
    /// glyph and its new ID again (a hash lookup each, 3.5% of a build's instructions).
    latin: Vec<u16>,
}

impl Glyphs {
    /// The CID of `c` set in `face`: its glyph's number in this document.
    pub fn cid(&mut self, fonts: &Fonts, face: Face, c: char) -> u16 {
        let slot = usize::try_from(u32::from(c)).ok().filter(|&i| i < 256);
        if let Some(known) = slot.and_then(|i| self.latin.get(i)).filter(|&&k| k > 0) {
            return known - 1;
        }
        let (gid, advance) = fonts.glyph(face, c);
        let remapper = self.remapper.get_or_insert_with(|| {
            // Glyph 0 (.notdef) is always in a subset, as CID 0.
            self.used.push(('\u{fffd}', 600.0));
            GlyphRemapper::new()
        });
        let cid = remapper.remap(gid);
        if usize::from(cid) == self.used.len() {
            self.used.push((c, advance));
        }
        if let Some(i) = slot {
            self.latin.resize(256, 0);
            self.latin[i] = cid.saturating_add(1);
        }
        cid
    }
}

/// How many glyphs of a face one font resource shows: a document's CIDs
/// `PART * k ..` are shown through its `k`th resource for the face, one byte
/// a glyph (a one-byte CMap, [`part_cmap`]). A document with at most 256
/// glyphs in a face, the usual case by far, has one resource per face. Two
/// bytes a glyph (`Identity-H`) made glyph codes two fifths of every page's
/// bytes before compression, half of them zeros, and deflating the pages is
/// the largest single cost of a PDF.
pub const PART: u16 = 256;

/// The name of the font resource that shows `face`'s CIDs of part `part`.
pub fn font_name(out: &mut Vec<u8>, face: Face, part: u16) {
    out.push(b'F');
    out.push(b'0' + face.index() as u8);
    if part > 0 {
        let _ = write!(out, ".{part}");
    }
}

/// The one-byte code `v` (a CID less its part's first) in a literal string.
/// The bytes that would close or escape the string, or be read as a line
/// end, are escaped.
pub fn code(out: &mut Vec<u8>, v: u8) {
    match v {
        b'(' | b')' | b'\\' => out.extend_from_slice(&[b'\\', v]),
        b'\r' => out.extend_from_slice(b"\\r"),
        b'\n' => out.extend_from_slice(b"\\n"),
        _ => out.push(v),
    }
}

fn hex2(out: &mut Vec<u8>, v: u8) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    out.push(HEX[usize::from(v >> 4)]);
    out.push(HEX[usize::from(v & 0xF)]);
}

fn hex4(out: &mut Vec<u8>, v: u16) {
    for b in v.to_be_bytes() {
        hex2(out, b);
    }
}

/// `v` in thousandths, as [`num`] writes it. `as` saturates and maps NaN to
/// 0: a bad coordinate cannot break the file.
pub fn thousandths(v: f32) -> i64 {
    (f64::from(v) * 1000.0).round() as i64
}

/// Writes `v` with at most three decimals and no trailing zeros, the way PDF
/// numbers are usually written (`12`, `0.42`, `-3.5`).
pub fn num(out: &mut Vec<u8>, v: f32) {
    let r = thousandths(v);
    if r < 0 {
        out.push(b'-');
    }
    let a = r.unsigned_abs();
    let mut int = a / 1000;
    // Digits by hand: `write!` costs more than the rest of a page's numbers.
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (int % 10) as u8;
        int /= 10;
        if int == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[i..]);
    let mut frac = a % 1000;
    if frac != 0 {
        out.push(b'.');
        let mut unit = 100;
        while frac != 0 {
            out.push(b'0' + (frac / unit) as u8);
            frac %= unit;
            unit /= 10;
        }
    }
}

/// A subset font program, deflated, as embedded (`/Length1` is its size
/// before compression).
struct Program {
    data: Vec<u8>,
    /// False when compression failed and `data` is the font as it is.
    deflated: bool,
    length1: usize,
}

/// Subsets already made in this process, by face and glyph list: a watcher
/// rebuilding a brief, or a build whose briefs share their text, reuses them.
/// Bounded: when full it starts again rather than grow with every brief.
type Programs = Mutex<HashMap<(Face, Vec<u16>), Arc<Program>>>;
static PROGRAMS: OnceLock<Programs> = OnceLock::new();
const PROGRAMS_KEPT: usize = 256;

/// A face that set at least this many different printable ASCII characters
/// in a document set running text in it: its program holds every printable
/// ASCII character (see [`program_glyphs`]). Headings, a letter's bold
/// subject line or a few words in italics stay below it.
const RUNNING_TEXT: usize = 30;

/// The glyphs of the program embedded for a face that a document used, in
/// ascending order (.notdef first): those the document used and, when it
/// set running text in the face, every printable ASCII character the face
/// has. Documents then share a program when they share their characters
/// beyond ASCII, not only when they use exactly the same letters and digits
/// (which a name or an amount changes). So a build subsets and compresses
/// each face a handful of times, not once for every other brief; a document
/// carries a few kilobytes of glyphs it does not show.
fn program_glyphs(
    face: Face,
    remapper: &GlyphRemapper,
    used: &[(char, f32)],
    fonts: &Fonts,
) -> Vec<u16> {
    let mut gids: Vec<u16> = remapper.remapped_gids().collect();
    let ascii = used.iter().filter(|(c, _)| (' '..='~').contains(c)).count();
    if ascii >= RUNNING_TEXT {
        gids.extend(fonts.ascii_glyphs(face));
    }
    gids.sort_unstable();
    gids.dedup();
    gids
}

/// The program of `face` holding the glyphs `gids` (ascending), in that
/// order.
fn program(face: Face, gids: &[u16]) -> Result<Arc<Program>, PdfError> {
    let key = (face, gids.to_vec());
    let cache = PROGRAMS.get_or_init(Default::default);
    if let Some(p) = cache.lock().ok().and_then(|c| c.get(&key).cloned()) {
        return Ok(p);
    }
    let remapper = GlyphRemapper::new_from_glyphs(gids);
    let font = subsetter::subset(face.bytes(), 0, &remapper)
        .map_err(|e| PdfError(format!("cannot subset the bundled font {face:?}: {e}")))?;
    let length1 = font.len();
    let p = Arc::new(match deflate(&font) {
        Some(data) => Program {
            data,
            deflated: true,
            length1,
        },
        None => Program {
            data: font,
            deflated: false,
            length1,
        },
    });
    if let Ok(mut c) = cache.lock() {
        if c.len() >= PROGRAMS_KEPT {
            c.clear();
        }
        c.insert(key, Arc::clone(&p));
    }
    Ok(p)
}

/// A stream's dictionary entries besides `/Length`, and its data, as written.
struct Shared {
    dict: &'static str,
    data: Vec<u8>,
}

/// ToUnicode maps already written in this process, by the characters of
/// their codes (and whether the first is .notdef's). Documents whose text
/// uses its characters in the same order, as briefs built from one template
/// and a brief rebuilt by the watcher do, have the same map: it is made and
/// compressed once. Each compression begins by clearing the compressor's
/// 128 KB hash table, which for a map of a kilobyte cost as much as
/// compressing it. Bounded like [`PROGRAMS`].
type UnicodeMaps = Mutex<HashMap<(bool, Vec<char>), Arc<Shared>>>;
static UNICODE_MAPS: OnceLock<UnicodeMaps> = OnceLock::new();
const UNICODE_MAPS_KEPT: usize = 1024;

/// The ToUnicode map of one part ([`to_unicode`]), as its stream is written.
fn unicode_map(used: &[(char, f32)], notdef_first: bool) -> Arc<Shared> {
    let key = (notdef_first, used.iter().map(|(c, _)| *c).collect());
    let cache = UNICODE_MAPS.get_or_init(Default::default);
    if let Some(m) = cache.lock().ok().and_then(|c| c.get(&key).cloned()) {
        return m;
    }
    let map = Arc::new(shared_stream(to_unicode(used, notdef_first)));
    if let Ok(mut c) = cache.lock() {
        if c.len() >= UNICODE_MAPS_KEPT {
            c.clear();
        }
        c.insert(key, Arc::clone(&map));
    }
    map
}

/// `data` as a stream: deflated when that makes it smaller (a filter costs
/// about 19 bytes of dictionary: only worth it when it saves more).
fn shared_stream(data: Vec<u8>) -> Shared {
    match deflate(&data) {
        Some(z) if z.len() + 19 < data.len() => Shared {
            dict: " /Filter /FlateDecode",
            data: z,
        },
        _ => Shared { dict: "", data },
    }
}

/// `data` zlib-compressed, or `None` if the compressor failed (a bug: the
/// caller then stores the data uncompressed rather than write a bad stream).
fn deflate(data: &[u8]) -> Option<Vec<u8>> {
    // One compressor per thread, reset between streams: making a new one
    // allocates and clears its tables, which cost as much as compressing a
    // page. The fastest level: the best one took about half of a render for
    // a few kilobytes less, and a viewer reads both the same.
    thread_local! {
        static DEFLATE: RefCell<Compress> = RefCell::new(Compress::new(Compression::fast(), true));
    }
    DEFLATE.with(|z| {
        let mut z = z.borrow_mut();
        z.reset();
        let mut out = Vec::with_capacity(data.len() / 2 + 64);
        loop {
            let read = usize::try_from(z.total_in()).ok()?;
            match z.compress_vec(data.get(read..)?, &mut out, FlushCompress::Finish) {
                Ok(Status::StreamEnd) => return Some(out),
                Ok(_) => out.reserve(out.capacity().max(1024)),
                Err(_) => return None,
            }
        }
    })
}

/// A 64-bit hash of `parts`: stable across runs, builds and platforms, unlike
/// std's hasher, so the subset tags and file IDs derived from it are too. It
/// takes eight bytes a step (FxHash's rotate, xor and multiply) and ends with
/// MurmurHash3's finaliser so that every input bit reaches every output bit.
/// The byte-at-a-time FNV-1a it replaces was 2% of a 400-brief build, most of
/// it hashing each whole file for its ID.
fn fingerprint(parts: &[&[u8]]) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let step = |h: u64, w: u64| (h.rotate_left(5) ^ w).wrapping_mul(K);
    let mut h: u64 = 0;
    for p in parts {
        let mut words = p.chunks_exact(8);
        for w in &mut words {
            let mut b = [0u8; 8];
            b.copy_from_slice(w);
            h = step(h, u64::from_le_bytes(b));
        }
        let mut tail = [0u8; 8];
        tail[..words.remainder().len()].copy_from_slice(words.remainder());
        h = step(h, u64::from_le_bytes(tail));
        // The length ends each part, so that moving bytes between parts or
        // adding trailing zeros changes the hash.
        h = step(h, p.len() as u64);
    }
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

/// The six capital letters that mark a subset's font name (`ABCDEF+Name`).
fn subset_tag(face: Face, gids: &[u8]) -> String {
    let mut h = fingerprint(&[face.postscript_name().as_bytes(), gids]);
    (0..6)
        .map(|_| {
            let c = char::from(b'A' + (h % 26) as u8);
            h /= 26;
            c
        })
        .collect()
}

/// The objects of a file being written, with their byte offsets for the
/// cross-reference table.
struct File {
    buf: Vec<u8>,
    offsets: Vec<usize>,
}

impl File {
    fn new() -> File {
        let mut buf = Vec::with_capacity(64 * 1024);
        // The binary comment line tells transfer tools the file is binary.
        buf.extend_from_slice(b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n");
        File {
            buf,
            offsets: Vec::new(),
        }
    }

    /// A new object number, written later with [`File::object`].
    fn reserve(&mut self) -> usize {
        self.offsets.push(0);
        self.offsets.len()
    }

    fn object(&mut self, id: usize, body: &[u8]) {
        self.start(id);
        self.buf.extend_from_slice(body);
        self.buf.extend_from_slice(b"\nendobj\n");
    }

    fn start(&mut self, id: usize) {
        self.offsets[id - 1] = self.buf.len();
        let _ = writeln!(self.buf, "{id} 0 obj");
    }

    /// A stream object; `dict` holds the entries besides `/Length`.
    fn stream(&mut self, id: usize, dict: &str, data: &[u8]) {
        self.start(id);
        let _ = write!(self.buf, "<<{dict} /Length {}>>\nstream\n", data.len());
        self.buf.extend_from_slice(data);
        self.buf.extend_from_slice(b"\nendstream\nendobj\n");
    }

    /// A stream deflated when that makes it smaller (see [`shared_stream`]).
    fn stream_deflated(&mut self, id: usize, data: &[u8]) {
        match deflate(data) {
            Some(z) if z.len() + 19 < data.len() => self.stream(id, " /Filter /FlateDecode", &z),
            _ => self.stream(id, "", data),
        }
    }

    /// A stream made once for several documents.
    fn stream_shared(&mut self, id: usize, s: &Shared) {
        self.stream(id, s.dict, &s.data);
    }

    fn finish(mut self, root: usize, info: usize) -> Vec<u8> {
        let xref = self.buf.len();
        let id = fingerprint(&[&self.buf]);
        let n = self.offsets.len() + 1;
        let _ = write!(self.buf, "xref\n0 {n}\n0000000000 65535 f\r\n");
        for off in &self.offsets {
            let _ = write!(self.buf, "{off:010} 00000 n\r\n");
        }
        let _ = write!(
            self.buf,
            "trailer\n<</Size {n} /Root {root} 0 R /Info {info} 0 R /ID [<{id:016X}{:016X}> <{id:016X}{:016X}>]>>\nstartxref\n{xref}\n%%EOF\n",
            !id, !id
        );
        self.buf
    }
}

/// Numbers separated by spaces.
fn nums(vals: &[f32]) -> String {
    let mut out = Vec::with_capacity(vals.len() * 4);
    for (i, v) in vals.iter().enumerate() {
        if i > 0 {
            out.push(b' ');
        }
        num(&mut out, *v);
    }
    // Digits, signs, points and spaces only.
    String::from_utf8(out).unwrap_or_default()
}

/// A PDF text string: literal when it is plain ASCII, otherwise UTF-16BE
/// with a byte-order mark, in hex (how the Info dictionary carries Unicode).
fn text_string(s: &str) -> String {
    if s.chars().all(|c| (' '..='~').contains(&c)) {
        let mut out = String::from("(");
        for c in s.chars() {
            if matches!(c, '(' | ')' | '\\') {
                out.push('\\');
            }
            out.push(c);
        }
        out.push(')');
        out
    } else {
        let mut out = String::from("<FEFF");
        for u in s.encode_utf16() {
            out.push_str(&format!("{u:04X}"));
        }
        out.push('>');
        out
    }
}

/// The name of the hatching pattern in the pages' resources.
pub const HATCH: &str = "H";

/// The hatching of the beyond-walk zone: grey diagonal lines, 3.5 pt apart
/// across, drawn once as a tile the viewer repeats. Drawn line by line, they
/// were a tenth of each page's content stream. The tile holds its diagonal and
/// the two corner pieces of its neighbours', so that the lines run on
/// unbroken from tile to tile.
const HATCH_DICT: &str = "/Type /Pattern /PatternType 1 /PaintType 1 /TilingType 1 /BBox [0 0 3.5 3.5] /XStep 3.5 /YStep 3.5 /Resources <<>>";
const HATCH_TILE: &[u8] =
    b"0.45 0.45 0.45 RG 0.5 w -1 -1 m 4.5 4.5 l -1 2.5 m 1 4.5 l 2.5 -1 m 4.5 1 l S";

/// The PDF of `pages` (content streams as the canvas wrote them) on paper of
/// `size` (width, height in points), with the faces `glyphs` says were used,
/// with `hatched`: whether a page fills with [`HATCH`], which the pages'
/// resources then name.
#[allow(clippy::too_many_arguments)]
pub fn write(
    title: &str,
    author: Option<&str>,
    size: (f32, f32),
    pages: &[Vec<u8>],
    glyphs: &[Glyphs; 5],
    fonts: &Fonts,
    hatched: bool,
) -> Result<Vec<u8>, PdfError> {
    let mut f = File::new();
    let (catalog, tree, info, resources) = (f.reserve(), f.reserve(), f.reserve(), f.reserve());
    let mut pattern_refs = String::new();
    if hatched {
        let id = f.reserve();
        f.stream(id, HATCH_DICT, HATCH_TILE);
        pattern_refs = format!(" /Pattern <</{HATCH} {id} 0 R>>");
    }

    let mut font_refs = Vec::new();
    // The CMap of each part any face needs, written once for all of them.
    let mut cmaps: Vec<usize> = Vec::new();
    for face in Face::ALL {
        let g = &glyphs[face.index()];
        let Some(remapper) = &g.remapper else {
            continue;
        };
        let parts = g.used.len().div_ceil(usize::from(PART));
        while cmaps.len() < parts {
            let (id, part) = (f.reserve(), cmaps.len());
            let (dict, data) = part_cmap(part);
            f.stream(id, &dict, data.as_bytes());
            cmaps.push(id);
        }
        for (part, id) in embed(&mut f, face, remapper, &g.used, fonts, &cmaps)? {
            font_refs.extend_from_slice(b" /");
            font_name(&mut font_refs, face, part);
            let _ = write!(font_refs, " {id} 0 R");
        }
    }
    let font_refs = String::from_utf8_lossy(&font_refs);
    f.object(
        resources,
        format!("<</Font <<{font_refs} >>{pattern_refs} /ProcSet [/PDF /Text]>>").as_bytes(),
    );

    let mut kids = Vec::with_capacity(pages.len());
    let media = nums(&[size.0, size.1]);
    for content in pages {
        let (page, stream) = (f.reserve(), f.reserve());
        f.object(
            page,
            format!(
                "<</Type /Page /Parent {tree} 0 R /MediaBox [0 0 {media}] /Resources {resources} 0 R /Contents {stream} 0 R>>"
            )
            .as_bytes(),
        );
        f.stream_deflated(stream, content);
        kids.push(format!("{page} 0 R"));
    }
    f.object(
        tree,
        format!(
            "<</Type /Pages /Kids [{}] /Count {}>>",
            kids.join(" "),
            kids.len()
        )
        .as_bytes(),
    );
    f.object(
        catalog,
        format!(
            "<</Type /Catalog /Pages {tree} 0 R /Lang (en) /ViewerPreferences <</DisplayDocTitle true>>>>"
        )
        .as_bytes(),
    );
    let producer = concat!("walkaway ", env!("CARGO_PKG_VERSION"));
    f.object(
        info,
        format!(
            "<</Title {}{} /Creator (walkaway) /Producer ({producer})>>",
            text_string(title),
            author
                .map(|a| format!(" /Author {}", text_string(a)))
                .unwrap_or_default()
        )
        .as_bytes(),
    );
    Ok(f.finish(catalog, info))
}

/// Embeds one face's subset: its CIDFontType2 font with its descriptor,
/// program and CIDToGIDMap, and for each part of [`PART`] CIDs a Type0 font
/// (that part's CMap from `cmaps`, its ToUnicode map) over it. Returns each
/// part's Type0 font object.
fn embed(
    f: &mut File,
    face: Face,
    remapper: &GlyphRemapper,
    used: &[(char, f32)],
    fonts: &Fonts,
    cmaps: &[usize],
) -> Result<Vec<(u16, usize)>, PdfError> {
    let glyphs = program_glyphs(face, remapper, used, fonts);
    let program = program(face, &glyphs)?;
    let tag_bytes: Vec<u8> = glyphs.iter().flat_map(|g| g.to_be_bytes()).collect();
    // Named after its program: documents that share one name it alike.
    let name = format!(
        "{}+{}",
        subset_tag(face, &tag_bytes),
        face.postscript_name()
    );
    let (cid, descriptor, file, to_gid) = (f.reserve(), f.reserve(), f.reserve(), f.reserve());
    let mut type0s = Vec::new();
    for (part, chunk) in (0..).zip(used.chunks(usize::from(PART))) {
        let Some(&encoding) = cmaps.get(usize::from(part)) else {
            return Err(PdfError(format!("no CMap for part {part} of {face:?}")));
        };
        let (type0, cmap) = (f.reserve(), f.reserve());
        f.object(
            type0,
            format!(
                "<</Type /Font /Subtype /Type0 /BaseFont /{name} /Encoding {encoding} 0 R /DescendantFonts [{cid} 0 R] /ToUnicode {cmap} 0 R>>"
            )
            .as_bytes(),
        );
        f.stream_shared(cmap, &unicode_map(chunk, part == 0));
        type0s.push((part, type0));
    }

    // Exact advances (not rounded to whole units), so text ends where the
    // layout measured it: right-aligned lines stay flush.
    let widths = nums(&used.iter().map(|(_, w)| *w).collect::<Vec<_>>());
    f.object(
        cid,
        format!(
            "<</Type /Font /Subtype /CIDFontType2 /BaseFont /{name} /CIDSystemInfo <</Registry (Adobe) /Ordering (Identity) /Supplement 0>> /FontDescriptor {descriptor} 0 R /DW 0 /W [0 [{}]] /CIDToGIDMap {to_gid} 0 R>>",
            widths
        )
        .as_bytes(),
    );
    f.stream(to_gid, "", &cid_to_gid(remapper, &glyphs));

    let d = fonts.descriptor(face);
    // Flags: symbolic (4: the glyphs are reached by CID, not a standard
    // encoding), fixed pitch (1) for the monospace face, italic (64).
    let mut flags = 4;
    if d.monospaced {
        flags |= 1;
    }
    if d.italic_angle != 0.0 {
        flags |= 64;
    }
    let bbox = nums(&d.bbox.map(f32::round));
    let [angle, ascent, descent, cap] = [
        d.italic_angle,
        d.ascent.round(),
        d.descent.round(),
        d.cap_height.round(),
    ]
    .map(|v| nums(&[v]));
    // StemV is required but unused by viewers for embedded TrueType: the
    // value PDF writers conventionally give a regular weight.
    let stem = if matches!(face, Face::Bold | Face::BoldItalic) {
        120
    } else {
        80
    };
    f.object(
        descriptor,
        format!(
            "<</Type /FontDescriptor /FontName /{name} /Flags {flags} /FontBBox [{bbox}] /ItalicAngle {angle} /Ascent {ascent} /Descent {descent} /CapHeight {cap} /StemV {stem} /FontFile2 {file} 0 R>>"
        )
        .as_bytes(),
    );
    let filter = if program.deflated {
        " /Filter /FlateDecode"
    } else {
        ""
    };
    f.stream(
        file,
        &format!(" /Length1 {}{filter}", program.length1),
        &program.data,
    );
    Ok(type0s)
}

/// The CMap of part `part` (its stream dictionary's entries, and its text):
/// one byte a code, code `c` is CID `PART * part + c`.
fn part_cmap(part: usize) -> (String, String) {
    let name = format!("Walkaway-OneByte-{part}");
    let info = "/CIDSystemInfo <</Registry (Adobe) /Ordering (Identity) /Supplement 0>>";
    let first = part * usize::from(PART);
    let dict = format!(" /Type /CMap /CMapName /{name} {info}");
    let text = format!(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n{info} def\n\
/CMapName /{name} def\n/CMapType 1 def\n\
1 begincodespacerange\n<00> <FF>\nendcodespacerange\n\
1 begincidrange\n<00> <FF> {first}\nendcidrange\n\
endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
    );
    (dict, text)
}

/// The CIDToGIDMap: for each CID (a glyph numbered in order of first use in
/// the document), its glyph in the program, two bytes high first. The
/// program holds its glyphs in ascending order of their IDs in the face
/// ([`program_glyphs`]), every glyph the document used among them.
fn cid_to_gid(remapper: &GlyphRemapper, program: &[u16]) -> Vec<u8> {
    remapper
        .remapped_gids()
        .flat_map(|g| {
            let new = program
                .binary_search(&g)
                .ok()
                .and_then(|i| u16::try_from(i).ok())
                .unwrap_or(0);
            new.to_be_bytes()
        })
        .collect()
}

/// The ToUnicode CMap of one part (`used`, the characters of its CIDs, the
/// first part's starting with .notdef's): which character each one-byte code
/// stands for, so text extraction, search and copy give back what was
/// written.
fn to_unicode(used: &[(char, f32)], notdef_first: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(used.len() * 16 + 400);
    out.extend_from_slice(
        b"/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
/CIDSystemInfo <</Registry (Adobe) /Ordering (UCS) /Supplement 0>> def\n\
/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
1 begincodespacerange\n<00> <FF>\nendcodespacerange\n",
    );
    // CID 0 is .notdef: it stands for nothing.
    let pairs: Vec<(u8, char)> = (0..=u8::MAX)
        .zip(used)
        .skip(usize::from(notdef_first))
        .map(|(code, (c, _))| (code, *c))
        .collect();
    // At most 100 entries per block, as the CMap format requires.
    for chunk in pairs.chunks(100) {
        let _ = writeln!(out, "{} beginbfchar", chunk.len());
        for (code, c) in chunk {
            out.push(b'<');
            hex2(&mut out, *code);
            out.extend_from_slice(b"> <");
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                hex4(&mut out, *u);
            }
            out.extend_from_slice(b">\n");
        }
        out.extend_from_slice(b"endbfchar\n");
    }
    out.extend_from_slice(b"endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read as _;

    fn n(v: f32) -> String {
        let mut out = Vec::new();
        num(&mut out, v);
        String::from_utf8(out).unwrap_or_default()
    }

    #[test]
    fn numbers_are_written_short() {
        assert_eq!(n(12.0), "12");
        assert_eq!(n(0.42), "0.42");
        assert_eq!(n(-3.5), "-3.5");
        assert_eq!(n(595.2756), "595.276");
        assert_eq!(n(0.005), "0.005");
        assert_eq!(n(-0.0001), "0");
        assert_eq!(n(f32::NAN), "0");
    }

    #[test]
    fn text_strings_escape_or_go_utf16() {
        assert_eq!(text_string("a (b) \\ c"), "(a \\(b\\) \\\\ c)");
        assert_eq!(text_string("Zoë"), "<FEFF005A006F00EB>");
        assert_eq!(text_string("🦀"), "<FEFFD83EDD80>");
    }

    #[test]
    fn codes_that_look_like_delimiters_are_escaped_and_read_back() {
        let codes = [0x28, 0x29, 0x5C, 0x0D, 0x0A, 0x00, 0x41, 0xFF];
        let mut out = Vec::new();
        for c in codes {
            code(&mut out, c);
        }
        assert_eq!(out, b"\\(\\)\\\\\\r\\n\x00A\xFF".to_vec());
        // Read back as a PDF reader reads a literal string: no byte is a bare
        // parenthesis or line end, and each escape gives the byte it stands for.
        let mut read = Vec::new();
        let mut bytes = out.iter();
        while let Some(&b) = bytes.next() {
            assert!(
                !matches!(b, b'(' | b')' | b'\r' | b'\n'),
                "unescaped {b:#04x}"
            );
            if b != b'\\' {
                read.push(b);
                continue;
            }
            read.push(match bytes.next() {
                Some(b'r') => b'\r',
                Some(b'n') => b'\n',
                Some(&e) => e,
                None => panic!("a string ending in a backslash"),
            });
        }
        assert_eq!(read, codes);
    }

    #[test]
    fn glyphs_are_numbered_in_order_of_use_and_mapped_back() {
        let fonts = Fonts::load().expect("fonts");
        let mut g = Glyphs::default();
        let cids: Vec<u16> = "abab"
            .chars()
            .map(|c| g.cid(&fonts, Face::Regular, c))
            .collect();
        assert_eq!(cids, [1, 2, 1, 2]);
        let cmap = String::from_utf8(to_unicode(&g.used, true)).unwrap_or_default();
        assert!(
            cmap.contains(
                "<00> <FF>\nendcodespacerange\n2 beginbfchar\n<01> <0061>\n<02> <0062>\n"
            ),
            "{cmap}"
        );
    }

    /// The glyphs `text` uses in `face`, as a document's pages would number them.
    fn glyphs_of(fonts: &Fonts, face: Face, text: &str) -> Glyphs {
        let mut g = Glyphs::default();
        for c in text.chars() {
            g.cid(fonts, face, c);
        }
        g
    }

    /// The program's glyph for each CID, by the CIDToGIDMap, is the face's
    /// glyph for the CID's character: same advance, same outline box.
    fn assert_each_cid_shows_its_character(fonts: &Fonts, face: Face, g: &Glyphs) {
        let remapper = g.remapper.as_ref().expect("glyphs used");
        let gids = program_glyphs(face, remapper, &g.used, fonts);
        let program = program(face, &gids).expect("program");
        let mut data = Vec::new();
        flate2::read::ZlibDecoder::new(program.data.as_slice())
            .read_to_end(&mut data)
            .expect("inflate");
        let subset = ttf_parser::Face::parse(&data, 0).expect("a font");
        let full = ttf_parser::Face::parse(face.bytes(), 0).expect("a font");
        let map = cid_to_gid(remapper, &gids);
        assert_eq!(map.len(), 2 * g.used.len());
        for (cid, (c, _)) in g.used.iter().enumerate().skip(1) {
            let shown = ttf_parser::GlyphId(u16::from_be_bytes([map[2 * cid], map[2 * cid + 1]]));
            let wanted = ttf_parser::GlyphId(fonts.glyph(face, *c).0);
            assert_eq!(
                subset.glyph_hor_advance(shown),
                full.glyph_hor_advance(wanted),
                "{c:?}"
            );
            assert_eq!(
                subset.glyph_bounding_box(shown),
                full.glyph_bounding_box(wanted),
                "{c:?}"
            );
        }
    }

    #[test]
    fn a_unicode_map_is_made_once_for_the_same_characters() {
        let fonts = Fonts::load().expect("fonts");
        let a = glyphs_of(
            &fonts,
            Face::Regular,
            "Halvorsen Packaging — renewal at 0.86 €/unit",
        );
        let b = glyphs_of(
            &fonts,
            Face::Regular,
            "Halvorsen Packaging — renewal at 0.86 €/unit!",
        );
        let (ma, mb) = (unicode_map(&a.used, true), unicode_map(&b.used, true));
        let again = unicode_map(&a.used, true);
        assert!(Arc::ptr_eq(&ma, &again), "the same characters: made once");
        assert!(!Arc::ptr_eq(&ma, &mb), "'!' is one more character");
        // What is written is the map, deflated.
        assert_eq!(ma.dict, " /Filter /FlateDecode");
        let mut text = Vec::new();
        flate2::read::ZlibDecoder::new(ma.data.as_slice())
            .read_to_end(&mut text)
            .expect("inflates");
        assert_eq!(text, to_unicode(&a.used, true));
        // Codes in order of first use, after .notdef: the dash is the 16th
        // character, the euro sign the 23rd.
        let text = String::from_utf8_lossy(&text);
        assert!(text.contains("<10> <2014>\n"), "{text}");
        assert!(text.contains("<17> <20AC>\n"), "{text}");
    }

    #[test]
    fn running_text_shares_one_program_that_shows_each_character() {
        let fonts = Fonts::load().expect("fonts");
        // Two documents with different letters, digits and order of first
        // use, and the same characters beyond ASCII.
        let a = "Walk-away point: 104,000 zł. Quick brown foxes jump over lazy dogs (ñ, ë).";
        let b = "Zoë's lease renewal: 2,350 zł a month, 12 months; VAT & fees extra?";
        let ga = glyphs_of(&fonts, Face::Regular, a);
        let gb = glyphs_of(&fonts, Face::Regular, &format!("{b} ñ"));
        let program_of = |g: &Glyphs| {
            let gids = program_glyphs(
                Face::Regular,
                g.remapper.as_ref().expect("used"),
                &g.used,
                &fonts,
            );
            (program(Face::Regular, &gids).expect("program"), gids)
        };
        let ((pa, gids_a), (pb, gids_b)) = (program_of(&ga), program_of(&gb));
        assert_eq!(gids_a, gids_b);
        assert!(Arc::ptr_eq(&pa, &pb), "made once, then shared");
        // Every printable ASCII character, ł, ñ and ë, and .notdef.
        assert_eq!(gids_a.len(), 1 + 95 + 3);
        assert!(gids_a.is_sorted());
        assert_each_cid_shows_its_character(&fonts, Face::Regular, &ga);
        assert_each_cid_shows_its_character(&fonts, Face::Regular, &gb);
    }

    #[test]
    fn a_face_used_for_a_few_words_holds_only_their_glyphs() {
        let fonts = Fonts::load().expect("fonts");
        let g = glyphs_of(&fonts, Face::Bold, "Walk away now");
        let gids = program_glyphs(
            Face::Bold,
            g.remapper.as_ref().expect("used"),
            &g.used,
            &fonts,
        );
        // .notdef and W, a, l, k, space, w, y, n, o.
        assert_eq!(gids.len(), 10);
        assert_eq!(g.used.len(), 10);
        assert_each_cid_shows_its_character(&fonts, Face::Bold, &g);
    }

    #[test]
    fn the_same_pages_give_the_same_bytes() {
        let fonts = Fonts::load().expect("fonts");
        let doc = || {
            let mut glyphs: [Glyphs; 5] = Default::default();
            let mut content = b"BT /F1 10 Tf 1 0 0 1 50 700 Tm (".to_vec();
            for c in "Walk away".chars() {
                let cid = glyphs[1].cid(&fonts, Face::Bold, c);
                code(&mut content, u8::try_from(cid).expect("one part"));
            }
            content.extend_from_slice(b") Tj ET");
            write(
                "Zoë's lease",
                Some("Dana Ruiz"),
                (595.276, 841.89),
                &[content],
                &glyphs,
                &fonts,
                false,
            )
            .expect("write")
        };
        let (a, b) = (doc(), doc());
        assert_eq!(a, b);
        let s = String::from_utf8_lossy(&a);
        assert!(s.starts_with("%PDF-1.7\n"));
        assert!(s.contains("+DejaVuSans-Bold /Encoding 5 0 R"), "{s}");
        assert!(
            s.contains("5 0 obj\n<< /Type /CMap /CMapName /Walkaway-OneByte-0 "),
            "{s}"
        );
        assert!(s.contains("<00> <FF> 0\nendcidrange"), "{s}");
        assert!(s.contains("/Font << /F1 "), "{s}");
        assert!(
            s.contains(
                "/Title <FEFF005A006F00EB002700730020006C0065006100730065> /Author (Dana Ruiz)"
            ),
            "{s}"
        );
        assert!(s.contains("/Lang (en)"), "{s}");
        // Every offset in the cross-reference table points at its object.
        let xref = s.rfind("xref\n").expect("xref");
        for (i, line) in s[xref..]
            .lines()
            .skip(3)
            .take_while(|l| l.ends_with(" n"))
            .enumerate()
        {
            let off: usize = line[..10].parse().expect("offset");
            assert!(
                s[off..].starts_with(&format!("{} 0 obj", i + 1)),
                "object {}",
                i + 1
            );
        }
    }
}
