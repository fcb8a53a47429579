//! Multipart uploads (mail, homework, announcements, resources, the people import, the API's
//! attachments): multer's parser, which axum's `Multipart` wraps, under the web crate's own
//! reading rules (`upload/read.rs`, compiled here from its source). The first byte chooses
//! the gate and the file limit; the rest is the body.
#![no_main]

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use libfuzzer_sys::fuzz_target;

#[allow(dead_code)]
#[path = "../../crates/web/src/upload/read.rs"]
mod read;

use read::{FieldBody, FieldSource, Gate, Refusal};

const BOUNDARY: &str = "sgo-fuzz-boundary";
const TOKEN: &str = "right-token";

struct Source(multer::Multipart<'static>);

impl FieldSource for Source {
    type Error = multer::Error;
    type Field<'a> = Part;

    fn next_field(&mut self) -> impl Future<Output = Result<Option<Part>, multer::Error>> + Send {
        async move { Ok(self.0.next_field().await?.map(Part)) }
    }

    fn is_too_large(error: &multer::Error) -> bool {
        matches!(
            error,
            multer::Error::StreamSizeExceeded { .. } | multer::Error::FieldSizeExceeded { .. }
        )
    }
}

struct Part(multer::Field<'static>);

impl FieldBody for Part {
    type Error = multer::Error;
    type Chunk = bytes::Bytes;

    fn field_name(&self) -> String {
        self.0.name().unwrap_or_default().to_owned()
    }

    fn file_name_of(&self) -> Option<String> {
        self.0.file_name().map(str::to_owned)
    }

    fn next_chunk(
        &mut self,
    ) -> impl Future<Output = Result<Option<bytes::Bytes>, multer::Error>> + Send {
        self.0.chunk()
    }
}

/// Runs a future whose stream is all in memory: it never waits, so polling to the end is enough.
fn run<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
            return out;
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&choice, body)) = data.split_first() else {
        return;
    };
    let file_bytes = u64::from(choice >> 1);
    let body = bytes::Bytes::copy_from_slice(body);
    let stream = futures_util::stream::once(async move { Ok::<_, std::io::Error>(body) });
    let constraints = multer::Constraints::new()
        .size_limit(multer::SizeLimit::new().whole_stream(64 * 1024));
    let mut source = Source(multer::Multipart::with_constraints(
        stream,
        BOUNDARY,
        constraints,
    ));
    let token_ok = |t: &str| t == TOKEN;
    let page = choice & 1 == 0;
    let gate = if page {
        Gate::Csrf(&token_ok)
    } else {
        Gate::SessionToken
    };
    match run(read::read_form::<_, Vec<u8>>(&mut source, gate, file_bytes)) {
        Ok(form) => {
            for file in &form.files {
                assert!(file.body.len() as u64 <= file_bytes + 1);
            }
            if page {
                // A page form is read only with its token, and before any file.
                let token = form.pairs.iter().position(|(k, v)| k == "csrf" && v == TOKEN);
                assert!(token.is_some());
            }
        }
        Err(Refusal::TooLarge | Refusal::Malformed | Refusal::Stale) => {}
        // Memory never fails to keep a file.
        Err(Refusal::Unkept) => unreachable!(),
    }
});
