//! The first sheet of an XLSX workbook, read by a streaming reader of our own.
//!
//! Spreadsheet libraries build a dense grid from the sheet's declared extent and reserve memory
//! for the string count a file declares; one cell at `XFD1048576` or `uniqueCount="10^12"`
//! in a 2 KB upload then asks for hundreds of gigabytes and the allocator aborts the process.
//! Here nothing is sized from what the file declares: cells are placed one by one after their
//! column is checked, strings are counted as they come, and every zip entry is read through a
//! counter that stops at a fixed number of unpacked bytes (zip bombs).

use std::borrow::Cow;
use std::io::{BufRead, BufReader, Cursor, Read};

use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};
use zip::ZipArchive;

use crate::cell::{
    builtin_is_date, format_is_date, iso_date_text, number_text, parse_reference, serial_date_text,
    unescape_xstring,
};
use crate::{Builder, MAX_COLUMNS, Table, Unreadable, grouped, too_wide, unreadable};

/// Most entries the zip may list (a workbook has a dozen).
const MAX_ENTRIES: usize = 2_000;
/// Most bytes one part may unpack to; a sheet of 20 000 rows of 100 short cells fits.
pub const MAX_PART_BYTES: u64 = 64 << 20;
/// Most bytes all parts read may unpack to together.
const MAX_TOTAL_BYTES: u64 = 160 << 20;
/// Most shared strings kept (more than the cells an import may hold).
const MAX_SHARED_STRINGS: usize = 2_100_000;
/// Most cell formats looked at (Excel itself allows 64 000).
const MAX_FORMATS: usize = 65_536;

const NOT_XLSX: &str = "Не удалось открыть файл как таблицу Excel (XLSX).";

/// Reads the first sheet of an XLSX file.
pub(crate) fn read_workbook(bytes: &[u8]) -> Result<Table, Unreadable> {
    let mut package = Package::open(bytes)?;
    let Some(book) = package.read("xl/workbook.xml", read_book)? else {
        return Err(if package.has("content.xml") {
            unreadable("Файл в формате ODS: сохраните его как XLSX или CSV.")
        } else {
            unreadable(NOT_XLSX)
        });
    };
    let Some(sheet_rel) = book.first_sheet else {
        return Err(unreadable("В книге нет ни одного листа."));
    };
    let sheet_path = package
        .read("xl/_rels/workbook.xml.rels", |r| read_target(r, &sheet_rel))?
        .flatten()
        .unwrap_or_else(|| "xl/worksheets/sheet1.xml".to_owned());
    let dates = package
        .read("xl/styles.xml", read_styles)?
        .unwrap_or_default();
    let strings = package
        .read("xl/sharedStrings.xml", read_shared_strings)?
        .unwrap_or_default();
    let context = SheetContext {
        dates,
        strings,
        date1904: book.date1904,
    };
    package
        .read(&sheet_path, |r| read_sheet(r, &context))?
        .ok_or_else(|| unreadable("Не удалось прочитать первый лист книги: его нет в файле."))
}

/// The zip with a budget of unpacked bytes.
struct Package<'a> {
    zip: ZipArchive<Cursor<&'a [u8]>>,
    budget: u64,
}

type Xml<'r> = Reader<BufReader<Limited<'r>>>;

impl<'a> Package<'a> {
    fn open(bytes: &'a [u8]) -> Result<Self, Unreadable> {
        let zip = ZipArchive::new(Cursor::new(bytes)).map_err(|_| unreadable(NOT_XLSX))?;
        if zip.len() > MAX_ENTRIES {
            return Err(unreadable(format!(
                "В файле больше {} частей: это не похоже на таблицу Excel.",
                grouped(MAX_ENTRIES)
            )));
        }
        Ok(Package {
            zip,
            budget: MAX_TOTAL_BYTES,
        })
    }

    fn has(&self, name: &str) -> bool {
        self.zip.index_for_name(name).is_some()
    }

    /// Runs `parse` over the part `name` (`None` when there is no such part), refusing parts
    /// that declare or unpack to more than the limits.
    fn read<T>(
        &mut self,
        name: &str,
        parse: impl FnOnce(&mut Xml<'_>) -> Result<T, Unreadable>,
    ) -> Result<Option<T>, Unreadable> {
        let Some(index) = self.zip.index_for_name(name) else {
            return Ok(None);
        };
        let file = self.zip.by_index(index).map_err(|_| unreadable(NOT_XLSX))?;
        if file.size() > MAX_PART_BYTES.min(self.budget) {
            return Err(too_big());
        }
        let mut left = MAX_PART_BYTES.min(self.budget);
        let result = {
            let limited = Limited {
                inner: Box::new(file),
                left: &mut left,
                exceeded: false,
            };
            let mut reader = Reader::from_reader(BufReader::new(limited));
            let result = parse(&mut reader);
            if reader.get_ref().get_ref().exceeded {
                return Err(too_big());
            }
            result
        };
        self.budget -= MAX_PART_BYTES.min(self.budget) - left;
        result.map(Some)
    }
}

fn too_big() -> Unreadable {
    unreadable(format!(
        "Файл распаковывается больше чем в {} МБ: это не похоже на таблицу для загрузки.",
        MAX_PART_BYTES >> 20
    ))
}

fn malformed() -> Unreadable {
    unreadable("Не удалось прочитать первый лист книги: файл повреждён.")
}

/// A reader that fails once `left` bytes have been read.
struct Limited<'r> {
    inner: Box<dyn Read + 'r>,
    left: &'r mut u64,
    exceeded: bool,
}

impl Read for Limited<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        // Ask for one byte more than allowed, to tell "exactly at the limit" from "over it".
        let want = (buf.len() as u64).min(*self.left + 1) as usize;
        let n = self.inner.read(&mut buf[..want])?;
        if n as u64 > *self.left {
            self.exceeded = true;
            return Err(std::io::Error::other("part too large"));
        }
        *self.left -= n as u64;
        Ok(n)
    }
}

fn next<'b, R: BufRead>(
    reader: &mut Reader<R>,
    buf: &'b mut Vec<u8>,
) -> Result<Event<'b>, Unreadable> {
    buf.clear();
    reader.read_event_into(buf).map_err(|_| malformed())
}

/// An attribute by its local name (prefixes such as `r:` ignored), unescaped.
fn attribute(element: &BytesStart<'_>, name: &str) -> Option<String> {
    element
        .attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == name)
        .and_then(|a| {
            a.normalized_value(XmlVersion::Implicit1_0)
                .ok()
                .map(Cow::into_owned)
        })
}

fn local(element: &BytesStart<'_>) -> String {
    element.local_name().as_ref().to_owned()
}

/// The text an event adds to an element's content.
fn text_of(event: &Event<'_>) -> Result<Option<String>, Unreadable> {
    Ok(match event {
        Event::Text(t) => Some(t.xml10_content().into_owned()),
        Event::CData(t) => Some(t.xml10_content().into_owned()),
        Event::GeneralRef(r) => {
            if let Some(c) = r.resolve_char_ref().map_err(|_| malformed())? {
                Some(c.to_string())
            } else {
                let name = r.xml10_content();
                let entity =
                    quick_xml::escape::resolve_predefined_entity(&name).ok_or_else(malformed)?;
                Some(entity.to_owned())
            }
        }
        _ => None,
    })
}

struct Book {
    first_sheet: Option<String>,
    date1904: bool,
}

fn read_book(reader: &mut Xml<'_>) -> Result<Book, Unreadable> {
    let mut book = Book {
        first_sheet: None,
        date1904: false,
    };
    let mut buf = Vec::new();
    loop {
        match next(reader, &mut buf)? {
            Event::Start(e) | Event::Empty(e) => match local(&e).as_str() {
                "workbookPr" => {
                    book.date1904 =
                        matches!(attribute(&e, "date1904").as_deref(), Some("1" | "true"));
                }
                "sheet" if book.first_sheet.is_none() => book.first_sheet = attribute(&e, "id"),
                _ => {}
            },
            Event::Eof => return Ok(book),
            _ => {}
        }
    }
}

/// The part a relationship id points to, as a path inside the zip.
fn read_target(reader: &mut Xml<'_>, id: &str) -> Result<Option<String>, Unreadable> {
    let mut buf = Vec::new();
    loop {
        match next(reader, &mut buf)? {
            Event::Start(e) | Event::Empty(e)
                if local(&e) == "Relationship" && attribute(&e, "Id").as_deref() == Some(id) =>
            {
                return Ok(attribute(&e, "Target").map(|t| match t.strip_prefix('/') {
                    Some(absolute) => absolute.to_owned(),
                    None => format!("xl/{t}"),
                }));
            }
            Event::Eof => return Ok(None),
            _ => {}
        }
    }
}

/// For each cell format (`s` of a cell), whether it shows a date.
fn read_styles(reader: &mut Xml<'_>) -> Result<Vec<bool>, Unreadable> {
    let mut custom_dates: Vec<u32> = Vec::new();
    let mut formats = Vec::new();
    let mut in_cell_formats = false;
    let mut buf = Vec::new();
    loop {
        match next(reader, &mut buf)? {
            Event::Start(e) | Event::Empty(e) => match local(&e).as_str() {
                "numFmt" => {
                    let id = attribute(&e, "numFmtId").and_then(|v| v.parse::<u32>().ok());
                    let code = attribute(&e, "formatCode").unwrap_or_default();
                    if let Some(id) = id
                        && format_is_date(&code)
                        && custom_dates.len() < MAX_FORMATS
                    {
                        custom_dates.push(id);
                    }
                }
                "cellXfs" => in_cell_formats = true,
                "xf" if in_cell_formats && formats.len() < MAX_FORMATS => {
                    let id = attribute(&e, "numFmtId").and_then(|v| v.parse::<u32>().ok());
                    formats.push(
                        id.is_some_and(|id| builtin_is_date(id) || custom_dates.contains(&id)),
                    );
                }
                _ => {}
            },
            Event::End(e) if e.local_name().as_ref() == "cellXfs" => in_cell_formats = false,
            Event::Eof => return Ok(formats),
            _ => {}
        }
    }
}

/// The shared strings, counted as they come (the declared `count`/`uniqueCount` are ignored).
fn read_shared_strings(reader: &mut Xml<'_>) -> Result<Vec<String>, Unreadable> {
    let mut strings = Vec::new();
    let mut current: Option<String> = None;
    let mut in_text = false;
    let mut phonetic = 0u32;
    let mut buf = Vec::new();
    loop {
        let event = next(reader, &mut buf)?;
        match &event {
            Event::Start(e) => match e.local_name().as_ref() {
                "si" => current = Some(String::new()),
                "rPh" => phonetic += 1,
                "t" => in_text = phonetic == 0 && current.is_some(),
                _ => {}
            },
            Event::Empty(e) if e.local_name().as_ref() == "si" => {
                push_string(&mut strings, String::new())?;
            }
            Event::End(e) => match e.local_name().as_ref() {
                "si" => {
                    let text = current.take().unwrap_or_default();
                    push_string(&mut strings, unescape_xstring(&text))?;
                }
                "rPh" => phonetic = phonetic.saturating_sub(1),
                "t" => in_text = false,
                _ => {}
            },
            Event::Eof => return Ok(strings),
            _ if in_text => {
                if let (Some(text), Some(current)) = (text_of(&event)?, current.as_mut()) {
                    current.push_str(&text);
                }
            }
            _ => {}
        }
    }
}

fn push_string(strings: &mut Vec<String>, text: String) -> Result<(), Unreadable> {
    if strings.len() == MAX_SHARED_STRINGS {
        return Err(unreadable(format!(
            "В файле больше {} разных строк текста: это больше, чем можно загрузить за раз.",
            grouped(MAX_SHARED_STRINGS)
        )));
    }
    strings.push(text);
    Ok(())
}

struct SheetContext {
    dates: Vec<bool>,
    strings: Vec<String>,
    date1904: bool,
}

/// A cell being read: where it is, how its value is to be read, and the value's text so far.
struct Cell {
    column: u32,
    kind: String,
    date: bool,
    value: String,
    inline: String,
}

impl Cell {
    fn text(self, context: &SheetContext) -> String {
        let value = self.value.trim();
        let text = match self.kind.as_str() {
            "s" => value
                .parse::<usize>()
                .ok()
                .and_then(|i| context.strings.get(i))
                .map_or(String::new(), |s| s.trim().to_owned()),
            "inlineStr" => unescape_xstring(self.inline.trim()),
            "str" => unescape_xstring(value),
            "b" => match value {
                "1" | "true" => "ИСТИНА".to_owned(),
                "" => String::new(),
                _ => "ЛОЖЬ".to_owned(),
            },
            "d" => iso_date_text(value),
            "e" => value.to_owned(),
            _ => match value.parse::<f64>() {
                Ok(n) if self.date => serial_date_text(n, context.date1904),
                Ok(n) => number_text(n),
                Err(_) => value.to_owned(),
            },
        };
        text.trim().to_owned()
    }
}

/// Where the reader is inside a cell.
#[derive(Clone, Copy, PartialEq)]
enum Inside {
    Nothing,
    Value,
    InlineText,
}

fn read_sheet(reader: &mut Xml<'_>, context: &SheetContext) -> Result<Table, Unreadable> {
    let mut builder = Builder::new();
    let mut buf = Vec::new();
    let mut row: Option<(u32, Vec<String>)> = None;
    let mut last_row: Option<u32> = None;
    let mut last_column: Option<u32> = None;
    let mut cell: Option<Cell> = None;
    let mut inside = Inside::Nothing;
    let mut phonetic = 0u32;
    loop {
        let event = next(reader, &mut buf)?;
        match &event {
            Event::Start(e) | Event::Empty(e) => {
                let empty = matches!(event, Event::Empty(_));
                match e.local_name().as_ref() {
                    "row" => {
                        let number = match attribute(e, "r") {
                            Some(r) => {
                                r.trim()
                                    .parse::<u32>()
                                    .ok()
                                    .filter(|n| (1..=1_048_576).contains(n))
                                    .ok_or_else(malformed)?
                                    - 1
                            }
                            None => last_row.map_or(0, |r| r.saturating_add(1)),
                        };
                        last_row = Some(number);
                        last_column = None;
                        if empty {
                            continue;
                        }
                        row = Some((number, Vec::new()));
                    }
                    "c" => {
                        let column = match attribute(e, "r") {
                            Some(r) => parse_reference(r.trim()).ok_or_else(malformed)?.1,
                            None => last_column.map_or(0, |c| c.saturating_add(1)),
                        };
                        last_column = Some(column);
                        let date = attribute(e, "s")
                            .and_then(|s| s.parse::<usize>().ok())
                            .and_then(|s| context.dates.get(s).copied())
                            .unwrap_or(false);
                        let new = Cell {
                            column,
                            kind: attribute(e, "t").unwrap_or_default(),
                            date,
                            value: String::new(),
                            inline: String::new(),
                        };
                        if empty {
                            place(&mut row, new, context)?;
                        } else {
                            cell = Some(new);
                        }
                    }
                    "v" if !empty && cell.is_some() => inside = Inside::Value,
                    "rPh" if !empty => phonetic += 1,
                    "t" if !empty && cell.is_some() && phonetic == 0 => inside = Inside::InlineText,
                    _ => {}
                }
            }
            Event::End(e) => match e.local_name().as_ref() {
                "v" | "t" => inside = Inside::Nothing,
                "rPh" => phonetic = phonetic.saturating_sub(1),
                "c" => {
                    inside = Inside::Nothing;
                    if let Some(done) = cell.take() {
                        place(&mut row, done, context)?;
                    }
                }
                "row" => {
                    if let Some((number, cells)) = row.take() {
                        builder.push(u64::from(number) + 1, cells)?;
                    }
                }
                _ => {}
            },
            Event::Eof => return builder.finish(),
            _ if inside != Inside::Nothing => {
                if let (Some(text), Some(cell)) = (text_of(&event)?, cell.as_mut()) {
                    match inside {
                        Inside::Value => cell.value.push_str(&text),
                        _ => cell.inline.push_str(&text),
                    }
                }
            }
            _ => {}
        }
    }
}

/// Puts a finished cell into its row; a value past the last allowed column refuses the file
/// before any memory is taken for the columns in between.
fn place(
    row: &mut Option<(u32, Vec<String>)>,
    cell: Cell,
    context: &SheetContext,
) -> Result<(), Unreadable> {
    let Some((_, cells)) = row.as_mut() else {
        return Ok(());
    };
    let column = cell.column as usize;
    let text = cell.text(context);
    if text.is_empty() {
        return Ok(());
    }
    if column >= MAX_COLUMNS {
        return Err(too_wide(column + 1));
    }
    if cells.len() <= column {
        cells.resize(column + 1, String::new());
    }
    cells[column] = text;
    Ok(())
}
