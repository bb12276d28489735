//! JavaScript `Error`s with a stable `code` property (`ERR_NO_HYPERVISOR`, …), which napi-rs's own
//! errors cannot carry: their code is always a napi status name.

use lci_sandbox::{ErrorCode, SandboxError};
use napi::bindgen_prelude::*;
use napi_derive::napi;

/// Defines [`SandboxErrorCode`], the `#[napi(string_enum)]` of the sandbox's codes, from the core's one
/// list (`lci_sandbox::with_error_codes!`), so `index.d.ts` types `errorCode` with exactly those codes.
macro_rules! napi_error_code {
  (sandbox { $($s:ident = $scode:tt : $sdoc:tt;)* } tool { $($t:ident = $tcode:tt : $tdoc:tt;)* } elsewhere { $($o:ident = $ocode:tt : $odoc:tt;)* }) => {
    /// The stable code of a failure that keeps a program from running (`WorkloadResult.errorCode`,
    /// `error.code` of what the sandbox throws); `SANDBOX_ERROR_CODES` says when each is given.
    #[napi(string_enum)]
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum SandboxErrorCode {
      $(#[doc = $sdoc] #[napi(value = $scode)] $s,)*
    }

    impl From<ErrorCode> for SandboxErrorCode {
      fn from(code: ErrorCode) -> Self {
        match code {
          $(ErrorCode::$s => SandboxErrorCode::$s,)*
          // The core gives a SandboxError only codes of the sandbox's part of the list.
          $(ErrorCode::$t => { debug_assert!(false, "{} is not a sandbox code", $tcode); SandboxErrorCode::Engine })*
          $(ErrorCode::$o => { debug_assert!(false, "{} is not a sandbox code", $ocode); SandboxErrorCode::Engine })*
        }
      }
    }
  };
}

lci_sandbox::with_error_codes!(napi_error_code);

/// A result whose error carries a stable code.
pub type CodedResult<T> = std::result::Result<T, SandboxError>;

/// A JavaScript `Error` (a `TypeError` when `type_error`) with `message`, `code` and, when given,
/// `name`.
fn js_error<'env>(env: &'env Env, code: &str, message: &str, name: Option<&str>, type_error: bool) -> Result<Unknown<'env>> {
  let code = env.create_string(code)?;
  let message = env.create_string(message)?;
  let mut error = std::ptr::null_mut();
  let create = if type_error { napi::sys::napi_create_type_error } else { napi::sys::napi_create_error };
  check_status!(unsafe { create(env.raw(), code.raw(), message.raw(), &mut error) })?;
  if let Some(name) = name {
    let mut object = unsafe { Object::from_napi_value(env.raw(), error)? };
    object.set_named_property("name", name)?;
  }
  unsafe { Unknown::from_napi_value(env.raw(), error) }
}

/// A napi error that becomes, when thrown or rejected, a JavaScript `Error` with `e`'s message and
/// `code`.
pub fn coded(env: &Env, e: &SandboxError) -> Error {
  match js_error(env, e.code.as_str(), &e.message, None, false) {
    Ok(value) => Error::from(value),
    Err(_) => Error::new(Status::GenericFailure, format!("{}: {}", e.code, e.message)),
  }
}

/// The `AbortError` a run rejects with when its signal aborts it, as Node's own APIs do
/// (`name: 'AbortError'`, `code: 'ABORT_ERR'`).
pub fn abort_error(env: &Env) -> Error {
  match js_error(env, "ABORT_ERR", "The operation was aborted", Some("AbortError"), false) {
    Ok(value) => Error::from(value),
    Err(_) => Error::new(Status::Cancelled, "The operation was aborted"),
  }
}

/// The `TypeError` a call rejects with for an argument of the wrong type, as Node's own APIs do
/// (`code: 'ERR_INVALID_ARG_TYPE'`).
pub fn type_error(env: &Env, message: &str) -> Error {
  match js_error(env, ErrorCode::InvalidArgType.as_str(), message, None, true) {
    Ok(value) => Error::from(value),
    Err(_) => Error::new(Status::InvalidArg, message),
  }
}
