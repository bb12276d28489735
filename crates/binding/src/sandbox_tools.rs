//! `SandboxConfig.tools`: the tools every run of a sandbox (and of its sessions) may call, held as a
//! reference to the caller's object so each run gathers them on the JavaScript thread with its own
//! (`options.tools`). The sandbox and its sessions share the reference; the last of them to be
//! collected lets it go.

use std::sync::{Arc, Mutex};

use napi::bindgen_prelude::*;

/// A reference to the object of a sandbox's tools.
#[derive(Clone)]
pub struct SandboxTools(Arc<Mutex<ObjectRef<false>>>);

impl SandboxTools {
  /// The tools object, on the JavaScript thread.
  pub fn get<'env>(&self, env: &'env Env) -> Result<Object<'env>> {
    self.0.lock().map_err(|_| Error::from_reason("the tools reference is poisoned"))?.get_value(env)
  }

  /// Lets go of one holder's share; the reference goes with the last.
  pub fn release(self, env: &Env) {
    if let Some(Ok(reference)) = Arc::into_inner(self.0).map(Mutex::into_inner) {
      let _ = reference.unref(env);
    }
  }
}

impl TypeName for SandboxTools {
  fn type_name() -> &'static str {
    "Record<string, Function>"
  }

  fn value_type() -> ValueType {
    ValueType::Object
  }
}

impl ValidateNapiValue for SandboxTools {}

impl FromNapiValue for SandboxTools {
  unsafe fn from_napi_value(env: napi::sys::napi_env, value: napi::sys::napi_value) -> Result<Self> {
    let object = Object::from_napi_value(env, value)?;
    Ok(SandboxTools(Arc::new(Mutex::new(object.create_ref::<false>()?))))
  }
}
