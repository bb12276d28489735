//! JavaScript `Error`s with a stable `code` property (`ERR_NO_HYPERVISOR`, …), which napi-rs's own
//! errors cannot carry: their code is always a napi status name.

use lci_sandbox::SandboxError;
use napi::bindgen_prelude::*;

/// A result whose error carries a stable code.
pub type CodedResult<T> = std::result::Result<T, SandboxError>;

/// A napi error that becomes, when thrown or rejected, a JavaScript `Error` with `e`'s message and
/// `code`.
pub fn coded(env: &Env, e: &SandboxError) -> Error {
  let made = (|| -> Result<Unknown<'_>> {
    let code = env.create_string(e.code.as_str())?;
    let message = env.create_string(&e.message)?;
    let mut error = std::ptr::null_mut();
    check_status!(unsafe { napi::sys::napi_create_error(env.raw(), code.raw(), message.raw(), &mut error) })?;
    unsafe { Unknown::from_napi_value(env.raw(), error) }
  })();
  match made {
    Ok(value) => Error::from(value),
    Err(_) => Error::new(Status::GenericFailure, format!("{}: {}", e.code, e.message)),
  }
}

/// The `AbortError` a run rejects with when its signal aborts it, as Node's own APIs do
/// (`name: 'AbortError'`, `code: 'ABORT_ERR'`).
pub fn abort_error(env: &Env) -> Error {
  let e = SandboxError::new(lci_sandbox::ErrorCode::Engine, "the run was aborted");
  let err = coded(env, &e);
  let made = (|| -> Result<Unknown<'_>> {
    let code = env.create_string("ABORT_ERR")?;
    let message = env.create_string("The operation was aborted")?;
    let mut error = std::ptr::null_mut();
    check_status!(unsafe { napi::sys::napi_create_error(env.raw(), code.raw(), message.raw(), &mut error) })?;
    let mut obj = unsafe { Object::from_napi_value(env.raw(), error)? };
    obj.set_named_property("name", "AbortError")?;
    unsafe { Unknown::from_napi_value(env.raw(), error) }
  })();
  made.map(Error::from).unwrap_or(err)
}
