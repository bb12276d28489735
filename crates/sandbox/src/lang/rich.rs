//! Jupyter-style results of a Python run: the value of its last expression and the images it showed.
//!
//! A Python run is a call of the guest function `_lci_run` (defined by the image's warm-up,
//! `guest/python/warmup.py`) with the code and the caps below. It runs the code in `__main__` as a
//! notebook runs a cell and replies with the exit status, the `repr` of the last expression's value and
//! the list of images, whose bytes it writes under [`RESULTS_DIR`], a mount of its own (so the program's
//! `/output` quota never crowds them out). This module writes the call and reads the reply.

use serde_json::{json, Value};

use crate::outcome::{Ending, Image};

/// The guest function that runs Python code (see `guest/python/warmup.py`).
pub const PYTHON_RUNNER: &str = "_lci_run";
/// Where the runner writes the images of a run, in the guest.
pub const RESULTS_DIR: &str = "/.lci-results";
/// The most images one run hands back; past it, the run is reported `truncated`.
pub const MAX_IMAGES: usize = 10;
/// The most bytes of images one run hands back, together; past it, the run is reported `truncated`.
pub const MAX_IMAGE_BYTES: usize = 8 * 1024 * 1024;
/// The most bytes of a value's `repr` kept (the rest is replaced by a note of how much was left out).
pub const MAX_VALUE_BYTES: usize = 16 * 1024;

/// What a run hands back besides its output.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RichResult {
    /// The `repr` of the last expression's value, unless there was none or it was `None`.
    pub value: Option<String>,
    /// The images shown, in order.
    pub images: Vec<Image>,
    /// Whether images were left out at the caps.
    pub truncated: bool,
}

/// The input of the runner's call for `code`: the code and the caps.
pub fn python_call_input(code: &str) -> String {
    json!({
        "code": code,
        "maxImages": MAX_IMAGES,
        "maxImageBytes": MAX_IMAGE_BYTES,
        "maxValueBytes": MAX_VALUE_BYTES,
        "resultsDir": RESULTS_DIR,
    })
    .to_string()
}

/// The input of the runner's call for the touch run of a restored guest ([`crate::guest::images::GuestImage::touch`]):
/// `code` run as a cell is, with `touch` set so the runner leaves no trace of it (the next cell is still
/// `<cell 1>`).
pub fn python_touch_input(code: &str) -> String {
    let mut input: Value = serde_json::from_str(&python_call_input(code)).expect("the runner's input is JSON");
    input["touch"] = Value::Bool(true);
    input.to_string()
}

/// How a runner call that came back (`Ending::Returned`) really ended, and what it handed back: its
/// reply's status becomes the ending (0 stays `Returned`), its images are taken from `results` (the
/// files the runner wrote under [`RESULTS_DIR`], by path). Any
/// other ending, or a reply that is not the runner's, is kept as it is, with nothing handed back.
pub fn settle(ending: Ending, reply: Option<&[u8]>, results: Vec<(String, Vec<u8>)>) -> (Ending, RichResult) {
    let Some(reply) = (ending == Ending::Returned).then_some(reply).flatten() else {
        return (ending, RichResult::default());
    };
    let Ok(reply) = serde_json::from_slice::<Value>(reply) else {
        return (ending, RichResult::default());
    };
    let status = reply["status"].as_i64().unwrap_or(0) as i32;
    let mut files = results;
    let mut rich = RichResult {
        value: reply["value"].as_str().map(str::to_owned),
        images: Vec::new(),
        truncated: reply["truncated"].as_bool().unwrap_or(false),
    };
    for image in reply["images"].as_array().map(Vec::as_slice).unwrap_or_default() {
        let (Some(file), Some(mime_type)) = (image["file"].as_str(), image["mimeType"].as_str()) else { continue };
        if let Some(at) = files.iter().position(|(name, _)| name == file) {
            let (_, data) = files.swap_remove(at);
            rich.images.push(Image { mime_type: mime_type.to_owned(), data });
        }
    }
    let ending = if status == 0 { Ending::Returned } else { Ending::Status(status) };
    (ending, rich)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn results_with(files: &[(&str, &[u8])]) -> Vec<(String, Vec<u8>)> {
        files.iter().map(|(name, data)| (name.to_string(), data.to_vec())).collect()
    }

    #[test]
    fn the_call_input_carries_the_code_and_the_caps() {
        let input: Value = serde_json::from_str(&python_call_input("print('é')\n")).unwrap();
        assert_eq!(input["code"], "print('é')\n");
        assert_eq!(input["maxImages"], MAX_IMAGES);
        assert_eq!(input["maxImageBytes"], MAX_IMAGE_BYTES);
        assert_eq!(input["resultsDir"], RESULTS_DIR);
    }

    #[test]
    fn a_reply_gives_the_value_and_the_images_in_its_order() {
        let fs = results_with(&[("0.png", b"first"), ("1.svg", b"<svg/>")]);
        let reply = br#"{"status": 0, "value": "42", "images": [{"file": "0.png", "mimeType": "image/png"},
            {"file": "1.svg", "mimeType": "image/svg+xml"}], "truncated": true}"#;
        let (ending, rich) = settle(Ending::Returned, Some(reply), fs);
        assert_eq!(ending, Ending::Returned);
        assert_eq!(rich.value.as_deref(), Some("42"));
        assert_eq!(
            rich.images,
            vec![
                Image { mime_type: "image/png".into(), data: b"first".to_vec() },
                Image { mime_type: "image/svg+xml".into(), data: b"<svg/>".to_vec() },
            ]
        );
        assert!(rich.truncated);
    }

    #[test]
    fn a_failed_status_in_the_reply_is_the_runs_status() {
        let (ending, rich) = settle(Ending::Returned, Some(br#"{"status": 3, "value": null, "images": []}"#), results_with(&[]));
        assert_eq!(ending, Ending::Status(3));
        assert_eq!(rich, RichResult::default());
    }

    #[test]
    fn other_endings_and_foreign_replies_are_kept_as_they_are() {
        let fs = results_with(&[("0.png", b"x")]);
        assert_eq!(settle(Ending::Status(1), Some(br#"{"status": 0}"#), fs.clone()).0, Ending::Status(1));
        assert_eq!(settle(Ending::Returned, None, fs.clone()), (Ending::Returned, RichResult::default()));
        assert_eq!(settle(Ending::Returned, Some(b"not json"), fs.clone()), (Ending::Returned, RichResult::default()));
    }

    #[test]
    fn an_image_the_reply_names_but_the_mount_lacks_is_left_out() {
        let reply = br#"{"status": 0, "images": [{"file": "0.png", "mimeType": "image/png"}]}"#;
        let (_, rich) = settle(Ending::Returned, Some(reply), results_with(&[]));
        assert!(rich.images.is_empty());
    }
}
